-- Queue figures, read-only and O(lanes × log n).
-- KEYS[1] leases zset  KEYS[2] recent zset  KEYS[3..n] ready zsets (one per lane)
-- ARGV[1] base
-- Returns {now, leased, expired leases, decisions last hour, then per lane: depth, oldest receivedAt or 0}
local base = ARGV[1]
local now = now_ms()
local out = { now, redis.call('ZCOUNT', KEYS[1], now, '+inf'), redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. now),
  redis.call('ZCOUNT', KEYS[2], now - 3600000, '+inf') }
for k = 3, #KEYS do
  out[#out + 1] = redis.call('ZCARD', KEYS[k])
  local first = redis.call('ZRANGE', KEYS[k], 0, 0)
  local oldest = 0
  if #first > 0 then oldest = tonumber(redis.call('HGET', base .. 'c:' .. first[1], 'receivedAt')) or 0 end
  out[#out + 1] = oldest
end
return out
