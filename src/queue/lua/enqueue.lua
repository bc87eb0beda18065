-- Store a screened comment and queue it, or record its automatic decision, in one step.
-- One comment id. ARG[1] record JSON  ARG[2] screening JSON  ARG[3] status (pending|approved|rejected)
-- ARG[4] lane  ARG[5] reader reason ("" if none)  ARG[6] reason code ("" if none)
-- ARG[7] submitted by  ARG[8] rules version  ARG[9] retention of decided comments in ms (0: forever)
-- ARG[10] fingerprint of the submitted fields
-- Returns {1, status, reader reason} for a new comment; for a comment that already exists
-- (same id, same fields), {0, initial status, reader reason, screening JSON}: the original
-- result, and nothing is written; {2} when the id exists with other fields (a conflict).
local id = IDS[1]
local c = C[id]
if redis.call('EXISTS', c) == 1 then
  local f = redis.call('HMGET', c, 'initialStatus', 'reason', 'screening', 'fingerprint')
  -- Comments stored before fingerprints existed have none: a retry of them replays.
  if f[4] and f[4] ~= ARG[10] then return { 2 } end
  return { 0, f[1], f[2] or '', f[3] }
end
local now = now_ms()
-- The place in line: arrival time in ms, then a counter, so that lanes of different sites
-- compare by age (a moderator's claim across sites) and a site's own order is exact up to
-- 1,000 comments in one millisecond.
local seq = now * 1000 + redis.call('INCR', SEQ) % 1000
local status = ARG[3]
redis.call('HSET', c, 'record', ARG[1], 'screening', ARG[2], 'status', status, 'initialStatus', status,
  'lane', ARG[4], 'seq', seq, 'attempts', 0, 'reason', ARG[5], 'receivedAt', now, 'fingerprint', ARG[10])
local screened = { type = 'screened', at = now, by = ARG[7], rulesVersion = ARG[8], status = status }
if status == 'pending' then
  redis.call('ZADD', READY[ARG[4]], seq, id)
  history(id, screened, { type = 'queued', at = now, lane = ARG[4] })
else
  local decision = { decision = (status == 'approved') and 'approve' or 'reject', reason = ARG[6],
    decidedBy = 'moderato', decidedAt = now, automatic = true }
  redis.call('HSET', c, 'decision', cjson.encode(decision))
  local retention = tonumber(ARG[9])
  feed_decision(id, status, ARG[6], 'moderato', now, retention, ARG[1])
  history(id, screened, { type = 'decided', at = now, by = 'moderato', decision = decision.decision, reason = ARG[6], automatic = true })
  expire_decided(id, retention)
end
-- The caller has the screening it sent: no need to send it back.
return { 1, status, ARG[5] }
