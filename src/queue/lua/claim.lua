-- Lease up to `max` comments to one moderator: most urgent lane first, oldest first.
-- Expired leases are requeued first, so a comment left by a closed tab comes back.
-- KEYS[1] leases zset   KEYS[2..n] ready zsets to take from, in order
-- ARGV[1] base  ARGV[2] holder  ARGV[3] lease ms  ARGV[4] max  ARGV[5] max attempts
-- Returns a flat list: id, record JSON, screening JSON, attempts, lease expiry ms, … per comment.
local base, holder = ARGV[1], ARGV[2]
local lease, max, max_attempts = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
requeue_all_expired(base, now, max_attempts, 100)
local out = {}
local taken = 0
for k = 2, #KEYS do
  while taken < max do
    local popped = redis.call('ZPOPMIN', KEYS[k], 1)
    if #popped == 0 then break end
    local id = popped[1]
    local c = base .. 'c:' .. id
    local f = redis.call('HMGET', c, 'status', 'record', 'screening')
    -- Only pending comments sit in a lane; anything else is a leftover and is dropped.
    if f[1] == 'pending' then
      local attempts = redis.call('HINCRBY', c, 'attempts', 1)
      local expires = now + lease
      redis.call('HSET', c, 'holder', holder, 'leaseExpiresAt', expires)
      redis.call('HDEL', c, 'expiredHolder')
      redis.call('ZADD', KEYS[1], expires, id)
      history(base, id, { type = 'claimed', at = now, by = holder, attempt = attempts, leaseExpiresAt = expires })
      for _, v in ipairs({ id, f[2], f[3], attempts, expires }) do out[#out + 1] = v end
      taken = taken + 1
    end
  end
end
return out
