-- Store a screened comment and queue it, or record its automatic decision, in one step.
-- KEYS[1] comment hash   KEYS[2] seq counter   KEYS[3] ready zset of the lane
-- KEYS[4] decisions stream   KEYS[5] recent-decisions zset
-- ARGV[1] base  ARGV[2] id  ARGV[3] record JSON  ARGV[4] screening JSON
-- ARGV[5] status (pending|approved|rejected)  ARGV[6] lane  ARGV[7] reader reason ("" if none)
-- ARGV[8] reason code ("" if none)  ARGV[9] submitted by  ARGV[10] rules version
-- ARGV[11] retention of decided comments in ms (0: forever)
-- ARGV[12] fingerprint of the submitted fields
-- Returns {1, status, reader reason} for a new comment; for a comment that already exists
-- (same id, same fields), {0, initial status, reader reason, screening JSON}: the original
-- result, and nothing is written; {2} when the id exists with other fields (a conflict).
local base, id = ARGV[1], ARGV[2]
local c = KEYS[1]
if redis.call('EXISTS', c) == 1 then
  local f = redis.call('HMGET', c, 'initialStatus', 'reason', 'screening', 'fingerprint')
  -- Comments stored before fingerprints existed have none: a retry of them replays.
  if f[4] and f[4] ~= ARGV[12] then return { 2 } end
  return { 0, f[1], f[2] or '', f[3] }
end
local now = now_ms()
local seq = redis.call('INCR', KEYS[2])
local status = ARGV[5]
redis.call('HSET', c, 'record', ARGV[3], 'screening', ARGV[4], 'status', status, 'initialStatus', status,
  'lane', ARGV[6], 'seq', seq, 'attempts', 0, 'reason', ARGV[7], 'receivedAt', now, 'fingerprint', ARGV[12])
local screened = { type = 'screened', at = now, by = ARGV[9], rulesVersion = ARGV[10], status = status }
if status == 'pending' then
  redis.call('ZADD', KEYS[3], seq, id)
  history(base, id, screened, { type = 'queued', at = now, lane = ARGV[6] })
else
  local decision = { decision = (status == 'approved') and 'approve' or 'reject', reason = ARGV[8],
    decidedBy = 'moderato', decidedAt = now, automatic = true }
  redis.call('HSET', c, 'decision', cjson.encode(decision))
  local retention = tonumber(ARGV[11])
  feed_decision(KEYS[4], KEYS[5], id, status, ARGV[8], 'moderato', now, retention)
  history(base, id, screened, { type = 'decided', at = now, by = 'moderato', decision = decision.decision, reason = ARGV[8], automatic = true })
  expire_decided(base, id, retention)
end
-- The caller has the screening it sent: no need to send it back.
return { 1, status, ARGV[7] }
