-- Record a moderator's decision: only the lease holder may decide, exactly once.
-- One comment id. ARG[1] holder  ARG[2] "approve"|"reject"  ARG[3] reason code  ARG[4] note
-- ARG[5] max attempts  ARG[6] retention of decided comments in ms (0: forever)
-- Returns {"OK", decision JSON} for a new decision, {"SAME", decision JSON} when this exact
-- decision was already recorded (a retry: no second effect), or {error code}: NOT_FOUND,
-- ALREADY_DECIDED, NOT_CLAIMED, HELD_BY_OTHER, LEASE_EXPIRED.
local id = IDS[1]
local holder, decision, reason = ARG[1], ARG[2], ARG[3]
local c = C[id]
local f = redis.call('HMGET', c, 'status', 'holder', 'leaseExpiresAt', 'decision', 'expiredHolder', 'record')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] ~= 'pending' then
  local d = cjson.decode(f[4])
  if d.decision == decision and d.decidedBy == holder and (d.reason or '') == reason then return { 'SAME', f[4] } end
  return { 'ALREADY_DECIDED', f[4] }
end
local now = now_ms()
local problem = lease_problem(id, holder, f[2], f[3], f[5], now, tonumber(ARG[5]))
if problem then return { problem } end
local status = (decision == 'approve') and 'approved' or 'rejected'
local d = { decision = decision, reason = reason, note = ARG[4], decidedBy = holder, decidedAt = now }
-- A comment readers' reports sent back to review had a decision: this one replaces it.
local prior = f[4] and cjson.decode(f[4]) or nil
if prior then d.overturns = { decision = prior.decision, reason = prior.reason or '', decidedBy = prior.decidedBy, decidedAt = prior.decidedAt } end
local json = cjson.encode(d)
redis.call('HSET', c, 'status', status, 'decision', json)
redis.call('HDEL', c, 'holder', 'leaseExpiresAt', 'expiredHolder')
redis.call('ZREM', LEASES, id)
local retention = tonumber(ARG[6])
feed_decision(id, status, reason, holder, now, retention, f[6], prior)
history(id, { type = 'decided', at = now, by = holder, decision = decision, reason = reason, note = ARG[4] })
expire_decided(id, retention)
return { 'OK', json }
