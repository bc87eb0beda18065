-- Lease comments to one moderator, in the order the caller found them (most urgent lane
-- first, oldest first: SiteQueue.claim peeks at the lanes, then calls this with the ids).
-- Comment ids: first A.expired whose leases looked expired, then the candidates to claim.
-- Up to A.max of them are leased to A.holder for A.leaseMs, from the lanes A.lanes names
-- (space-separated); A.maxAttempts deliveries send a comment to the dead-letter lane.
-- Expired leases are requeued first (re-checked here against Redis's clock), so a comment
-- left by a closed tab comes back. A candidate another moderator took meanwhile is passed
-- over, and so is one this holder skipped a short while ago (lease.lua's skip).
-- Returns a flat list: id, record JSON, screening JSON, attempts, lease expiry ms, readers'
-- reports JSON ("" if none), … per comment.
local holder, lease, max, max_attempts = A.holder, A.leaseMs, A.max, A.maxAttempts
local allowed = {}
for lane in string.gmatch(A.lanes, '%S+') do allowed[lane] = true end
local expired = A.expired
for i = 1, expired do
  local id = IDS[i]
  local until_ms = redis.call('ZSCORE', LEASES, id)
  if until_ms and tonumber(until_ms) < NOW then requeue_expired(id, NOW, max_attempts) end
end
local out = {}
local taken = 0
for i = expired + 1, #IDS do
  if taken >= max then break end
  local id = IDS[i]
  local c = C[id]
  local f = redis.call('HMGET', c, 'status', 'record', 'screening', 'lane', 'skip:' .. holder, 'reports')
  local skipped = f[5] and tonumber(f[5]) > NOW
  -- Only a pending comment still in its (allowed) lane is free to take.
  if f[1] == 'pending' and allowed[f[4]] and not skipped and redis.call('ZREM', READY[f[4]], id) == 1 then
    local attempts = redis.call('HINCRBY', c, 'attempts', 1)
    local expires = NOW + lease
    redis.call('HSET', c, 'holder', holder, 'leaseExpiresAt', expires)
    redis.call('HDEL', c, 'expiredHolder')
    redis.call('ZADD', LEASES, expires, id)
    history(id, { type = 'claimed', at = NOW, by = holder, attempt = attempts, leaseExpiresAt = expires })
    for _, v in ipairs({ id, f[2], f[3], attempts, expires, f[6] or '' }) do out[#out + 1] = v end
    taken = taken + 1
  elseif f[1] ~= 'pending' then
    -- Decided or gone (a leftover): it has no place in any lane.
    for lane in pairs(allowed) do redis.call('ZREM', READY[lane], id) end
  end
end
return out
