-- Extend or release the caller's lease on one comment.
-- KEYS[1] comment hash  KEYS[2] leases zset
-- ARGV[1] base  ARGV[2] id  ARGV[3] holder  ARGV[4] "extend"|"release"  ARGV[5] lease ms
-- ARGV[6] max attempts
-- Returns {"OK", lease expiry ms (0 on release)} or {error code}:
-- NOT_FOUND, DECIDED, NOT_CLAIMED, HELD_BY_OTHER, LEASE_EXPIRED.
-- A release gives the delivery back: it does not count as an attempt (expiries do).
local base, id, holder, op = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local c = KEYS[1]
local f = redis.call('HMGET', c, 'status', 'holder', 'leaseExpiresAt', 'lane', 'seq', 'expiredHolder')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] ~= 'pending' then return { 'DECIDED' } end
local now = now_ms()
local problem = lease_problem(base, id, holder, f[2], f[3], f[6], now, tonumber(ARGV[6]))
if problem then return { problem } end
if op == 'extend' then
  local expires = now + tonumber(ARGV[5])
  redis.call('HSET', c, 'leaseExpiresAt', expires)
  redis.call('ZADD', KEYS[2], expires, id)
  history(base, id, { type = 'extended', at = now, by = holder, leaseExpiresAt = expires })
  return { 'OK', expires }
end
redis.call('ZREM', KEYS[2], id)
redis.call('HDEL', c, 'holder', 'leaseExpiresAt', 'expiredHolder')
redis.call('HINCRBY', c, 'attempts', -1)
redis.call('ZADD', base .. 'ready:' .. f[4], f[5], id)
history(base, id, { type = 'released', at = now, by = holder })
return { 'OK', 0 }
