-- Record a moderator's decision: only the lease holder may decide, exactly once.
-- KEYS[1] comment hash  KEYS[2] leases zset  KEYS[3] decisions stream  KEYS[4] recent zset
-- ARGV[1] base  ARGV[2] id  ARGV[3] holder  ARGV[4] "approve"|"reject"  ARGV[5] reason code
-- ARGV[6] note  ARGV[7] max attempts  ARGV[8] retention of decided comments in ms (0: forever)
-- Returns {"OK", decision JSON} for a new decision, {"SAME", decision JSON} when this exact
-- decision was already recorded (a retry: no second effect), or {error code}: NOT_FOUND,
-- ALREADY_DECIDED, NOT_CLAIMED, HELD_BY_OTHER, LEASE_EXPIRED.
local base, id, holder, decision, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local c = KEYS[1]
local f = redis.call('HMGET', c, 'status', 'holder', 'leaseExpiresAt', 'decision', 'expiredHolder')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] ~= 'pending' then
  local d = cjson.decode(f[4])
  if d.decision == decision and d.decidedBy == holder and (d.reason or '') == reason then return { 'SAME', f[4] } end
  return { 'ALREADY_DECIDED', f[4] }
end
local now = now_ms()
local problem = lease_problem(base, id, holder, f[2], f[3], f[5], now, tonumber(ARGV[7]))
if problem then return { problem } end
local status = (decision == 'approve') and 'approved' or 'rejected'
local d = { decision = decision, reason = reason, note = ARGV[6], decidedBy = holder, decidedAt = now }
local json = cjson.encode(d)
redis.call('HSET', c, 'status', status, 'decision', json)
redis.call('HDEL', c, 'holder', 'leaseExpiresAt', 'expiredHolder')
redis.call('ZREM', KEYS[2], id)
local retention = tonumber(ARGV[8])
feed_decision(KEYS[3], KEYS[4], id, status, reason, holder, now, retention)
history(base, id, { type = 'decided', at = now, by = holder, decision = decision, reason = reason, note = ARGV[6] })
expire_decided(base, id, retention)
return { 'OK', json }
