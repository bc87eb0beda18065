-- Queue figures, read-only: O(lanes × log n), plus at most 1,000 expired leases read.
-- KEYS[1] leases zset  KEYS[2] recent zset  KEYS[3..n] ready zsets (one per lane)
-- ARGV[1] base  ARGV[2] max attempts
-- Returns {now, leased, expired leases, decisions last hour, then per lane: depth, oldest receivedAt or 0}
-- A comment whose lease ran out is waiting, even before the next claim sweeps it back: it
-- counts in the lane it will return to (dead once it has used its attempts), with its age.
local base, max_attempts = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local out = { now, redis.call('ZCOUNT', KEYS[1], now, '+inf'), redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. now),
  redis.call('ZCOUNT', KEYS[2], now - 3600000, '+inf') }
local waiting, oldest_waiting = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, 1000)) do
  local f = redis.call('HMGET', base .. 'c:' .. id, 'status', 'lane', 'attempts', 'receivedAt')
  if f[1] == 'pending' then
    local lane = return_lane(f[2], f[3], max_attempts)
    waiting[lane] = (waiting[lane] or 0) + 1
    local at = tonumber(f[4]) or 0
    if at > 0 and (oldest_waiting[lane] == nil or at < oldest_waiting[lane]) then oldest_waiting[lane] = at end
  end
end
local prefix = #base + #'ready:'
for k = 3, #KEYS do
  local lane = string.sub(KEYS[k], prefix + 1)
  out[#out + 1] = redis.call('ZCARD', KEYS[k]) + (waiting[lane] or 0)
  local first = redis.call('ZRANGE', KEYS[k], 0, 0)
  local oldest = 0
  if #first > 0 then oldest = tonumber(redis.call('HGET', base .. 'c:' .. first[1], 'receivedAt')) or 0 end
  local expired = oldest_waiting[lane]
  if expired and (oldest == 0 or expired < oldest) then oldest = expired end
  out[#out + 1] = oldest
end
return out
