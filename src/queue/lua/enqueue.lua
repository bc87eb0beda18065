-- Store a screened comment and queue it, or record its automatic decision, in one step.
-- One comment id. A.record and A.screening are JSON; A.status is pending, approved or
-- rejected; A.reason (for the reader) and A.reasonCode are '' when there is none;
-- A.retentionMs is how long a decided comment is kept (0: forever); A.fingerprint hashes the
-- submitted fields.
-- Returns {'CREATED', status, reader reason} for a new comment; for a comment that already
-- exists (same id, same fields), {'REPLAYED', initial status, reader reason, screening JSON}:
-- the original result, and nothing is written; {'ID_CONFLICT'} when the id exists with
-- other fields.
local id = IDS[1]
local c = C[id]
if redis.call('EXISTS', c) == 1 then
  local f = redis.call('HMGET', c, 'initialStatus', 'reason', 'screening', 'fingerprint')
  -- Comments stored before fingerprints existed have none: a retry of them replays.
  if f[4] and f[4] ~= A.fingerprint then return { 'ID_CONFLICT' } end
  return { 'REPLAYED', f[1], f[2] or '', f[3] }
end
-- The place in line: arrival time in ms, then a counter, so that lanes of different sites
-- compare by age (a moderator's claim across sites) and a site's own order is exact up to
-- 1,000 comments in one millisecond.
local seq = NOW * 1000 + redis.call('INCR', SEQ) % 1000
local status = A.status
redis.call('HSET', c, 'record', A.record, 'screening', A.screening, 'status', status, 'initialStatus', status,
  'lane', A.lane, 'seq', seq, 'attempts', 0, 'reason', A.reason, 'receivedAt', NOW, 'fingerprint', A.fingerprint)
local screened = { type = 'screened', at = NOW, by = A.submittedBy, rulesVersion = A.rulesVersion, status = status }
if status == 'pending' then
  redis.call('ZADD', READY[A.lane], seq, id)
  history(id, screened, { type = 'queued', at = NOW, lane = A.lane })
else
  local decision = { decision = (status == 'approved') and 'approve' or 'reject', reason = A.reasonCode,
    decidedBy = 'moderato', decidedAt = NOW, automatic = true }
  redis.call('HSET', c, 'decision', cjson.encode(decision))
  feed_decision(id, status, A.reasonCode, 'moderato', NOW, A.retentionMs, A.record)
  history(id, screened, { type = 'decided', at = NOW, by = 'moderato', decision = decision.decision, reason = A.reasonCode, automatic = true })
  expire_decided(id, A.retentionMs)
end
-- The caller has the screening it sent: no need to send it back.
return { 'CREATED', status, A.reason }
