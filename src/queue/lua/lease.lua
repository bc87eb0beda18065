-- Extend, release or skip the caller's lease on one comment.
-- One comment id. A.holder; A.op: extend, release or skip; A.ms: the new lease (extend) or
-- how long the caller is not handed the comment again (skip); A.maxAttempts.
-- Returns {"OK", lease expiry ms (0 on release)} or {error code}:
-- NOT_FOUND, DECIDED, NOT_CLAIMED, HELD_BY_OTHER, LEASE_EXPIRED.
-- A release or skip gives the delivery back: it does not count as an attempt (expiries do).
-- A skip also keeps the comment from the same moderator's claims for a while (claim.lua).
local id = IDS[1]
local holder, op = A.holder, A.op
local c = C[id]
local f = redis.call('HMGET', c, 'status', 'holder', 'leaseExpiresAt', 'lane', 'seq', 'expiredHolder')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] ~= 'pending' then return { 'DECIDED' } end
local problem = lease_problem(id, holder, f[2], f[3], f[6], NOW, A.maxAttempts)
if problem then return { problem } end
if op == 'extend' then
  local expires = NOW + A.ms
  redis.call('HSET', c, 'leaseExpiresAt', expires)
  redis.call('ZADD', LEASES, expires, id)
  history(id, { type = 'extended', at = NOW, by = holder, leaseExpiresAt = expires })
  return { 'OK', expires }
end
redis.call('ZREM', LEASES, id)
redis.call('HDEL', c, 'holder', 'leaseExpiresAt', 'expiredHolder')
redis.call('HINCRBY', c, 'attempts', -1)
redis.call('ZADD', READY[f[4]], f[5], id)
if op == 'skip' then
  local until_ms = NOW + A.ms
  redis.call('HSET', c, 'skip:' .. holder, until_ms)
  history(id, { type = 'skipped', at = NOW, by = holder, skippedUntil = until_ms })
else
  history(id, { type = 'released', at = NOW, by = holder })
end
return { 'OK', 0 }
