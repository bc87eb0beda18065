-- The outbox event A.member (see outbox-take.lua) was delivered or given up. The comment's
-- next event, if one waits, is due NOW. Returns 1, or 0 when another process had finished it.
local member = A.member
if redis.call('ZREM', OUTBOX, member) == 0 then return 0 end
redis.call('HDEL', OUTBOX_TRIES, member)
local id = string.match(member, '^%S+ (.*)$')
local waiting = redis.call('HGET', OUTBOX_WAIT, id)
if waiting and waiting ~= '' then
  local next_entry, rest = string.match(waiting, '^(%S+) ?(.*)$')
  redis.call('HSET', OUTBOX_WAIT, id, rest)
  redis.call('ZADD', OUTBOX, NOW, next_entry .. ' ' .. id)
else
  redis.call('HDEL', OUTBOX_WAIT, id)
end
return 1
