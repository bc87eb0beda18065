-- Schedules another try of the outbox event A.member (see outbox-take.lua): the next try
-- waits A.baseMs × 2^(tries − 1), at most A.maxMs, times A.jitter (0..1].
-- Returns the tries so far, or 0 when the event is no longer there.
if not redis.call('ZSCORE', OUTBOX, A.member) then return 0 end
local tries = redis.call('HINCRBY', OUTBOX_TRIES, A.member, 1)
local delay = math.min(A.baseMs * 2 ^ math.min(tries - 1, 30), A.maxMs) * A.jitter
redis.call('ZADD', OUTBOX, 'XX', NOW + math.floor(delay), A.member)
return tries
