-- A site's webhook outbox (filled by common.lua's outbox_add with each decision). Members are
-- "<feed entry id> <comment id>"; a member's score is when it may be tried next (ms).
-- No comment ids. ARG[1] is the operation:
-- take  ARG[2] max  ARG[3] lease ms: leases up to `max` due events and returns their members.
--       A leased event's score is the end of its lease, so no other process takes it before
--       then (after a crash, the next one does: a duplicate, never a loss).
-- retry ARG[2] member  ARG[3] base delay ms  ARG[4] longest delay ms  ARG[5] jitter (0..1]:
--       the next try waits base × 2^(tries − 1), at most the longest, times the jitter.
--       Returns the tries so far, or 0 when the event is no longer there.
-- done  ARG[2] member: delivered or given up. The comment's next event, if one waits, is due
--       now. Returns 1, or 0 when another process had finished it already.
local op = ARG[1]
local now = now_ms()
if op == 'take' then
  local due = redis.call('ZRANGEBYSCORE', OUTBOX, '-inf', now, 'LIMIT', 0, tonumber(ARG[2]))
  for _, m in ipairs(due) do redis.call('ZADD', OUTBOX, 'XX', now + tonumber(ARG[3]), m) end
  return due
end
local member = ARG[2]
if op == 'retry' then
  if not redis.call('ZSCORE', OUTBOX, member) then return 0 end
  local tries = redis.call('HINCRBY', OUTBOX_TRIES, member, 1)
  local delay = math.min(tonumber(ARG[3]) * 2 ^ math.min(tries - 1, 30), tonumber(ARG[4])) * tonumber(ARG[5])
  redis.call('ZADD', OUTBOX, 'XX', now + math.floor(delay), member)
  return tries
end
if redis.call('ZREM', OUTBOX, member) == 0 then return 0 end
redis.call('HDEL', OUTBOX_TRIES, member)
local id = string.match(member, '^%S+ (.*)$')
local waiting = redis.call('HGET', OUTBOX_WAIT, id)
if waiting and waiting ~= '' then
  local next_entry, rest = string.match(waiting, '^(%S+) ?(.*)$')
  redis.call('HSET', OUTBOX_WAIT, id, rest)
  redis.call('ZADD', OUTBOX, now, next_entry .. ' ' .. id)
else
  redis.call('HDEL', OUTBOX_WAIT, id)
end
return 1
