-- A site's webhook outbox (filled by common.lua's outbox_add with each decision). Members are
-- "<feed entry id> <comment id>"; a member's score is when it may be tried next (ms).
-- Take: leases up to A.max due events for A.leaseMs and returns their members. A leased
-- event's score is the end of its lease, so no other process takes it before then (after a
-- crash, the next one does: a duplicate, never a loss).
local due = redis.call('ZRANGEBYSCORE', OUTBOX, '-inf', NOW, 'LIMIT', 0, A.max)
for _, m in ipairs(due) do redis.call('ZADD', OUTBOX, 'XX', NOW + A.leaseMs, m) end
return due
