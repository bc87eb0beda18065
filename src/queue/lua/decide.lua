-- Record a moderator's decision: only the lease holder may decide, exactly once.
-- One comment id (and its author's keys, when it has an author). A.holder; A.decision:
-- approve or reject; A.reason (a reason code) and A.note, '' when none; A.maxAttempts;
-- A.retentionMs: how long a decided comment is kept (0: forever).
-- Returns {"OK", decision JSON} for a new decision, {"SAME", decision JSON} when this exact
-- decision was already recorded (a retry: no second effect), or {error code}: NOT_FOUND,
-- ALREADY_DECIDED, NOT_CLAIMED, HELD_BY_OTHER, LEASE_EXPIRED.
local id = IDS[1]
local holder, decision, reason = A.holder, A.decision, A.reason
local c = C[id]
local f = redis.call('HMGET', c, 'status', 'holder', 'leaseExpiresAt', 'decision', 'expiredHolder', 'record')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] ~= 'pending' then
  local d = cjson.decode(f[4])
  if d.decision == decision and d.decidedBy == holder and (d.reason or '') == reason then return { 'SAME', f[4] } end
  return { 'ALREADY_DECIDED', f[4] }
end
local problem = lease_problem(id, holder, f[2], f[3], f[5], NOW, A.maxAttempts)
if problem then return { problem } end
local status = (decision == 'approve') and 'approved' or 'rejected'
local d = { decision = decision, reason = reason, note = A.note, decidedBy = holder, decidedAt = NOW }
-- A comment readers' reports sent back to review had a decision: this one replaces it.
local prior = f[4] and cjson.decode(f[4]) or nil
if prior then d.overturns = { decision = prior.decision, reason = prior.reason or '', decidedBy = prior.decidedBy, decidedAt = prior.decidedAt } end
local json = cjson.encode(d)
redis.call('HSET', c, 'status', status, 'decision', json)
redis.call('HDEL', c, 'holder', 'leaseExpiresAt', 'expiredHolder')
redis.call('ZREM', LEASES, id)
feed_decision(id, status, reason, holder, NOW, A.retentionMs, f[6], prior)
history(id, { type = 'decided', at = NOW, by = holder, decision = decision, reason = reason, note = A.note })
expire_decided(id, A.retentionMs)
return { 'OK', json }
