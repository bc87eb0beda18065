-- Shared helpers, put before every script (luaSource in scripts.ts, which also defines the
-- constants RECENT_WINDOW_MS, DEAD_LANE and REPORTED_LANE first, and the script's named
-- arguments, A, after this). Not a script of its own.
-- Calling convention (SiteKeys.scriptKeys): KEYS[1] leases zset, KEYS[2] seq counter,
-- KEYS[3] decisions stream, KEYS[4] recent-decisions zset, KEYS[5] webhook outbox zset,
-- KEYS[6] outbox waiting hash, KEYS[7] outbox tries hash, then one ready zset per lane in the
-- order ARGV[1] names them;
-- then the hash and history list of each comment id given in ARGV[5 .. 4 + ARGV[4]]; then,
-- when the caller names the comments' author, that author's decision counts (hash) and
-- recent decided ids (list). ARGV[2] is 1 when the site has a webhook. ARGV[3] is the time
-- (ms since the epoch): the caller's clock, not Redis TIME, so that tests can move it. The
-- script's own arguments follow: ARG, which scripts read by name through A.
-- Every key a script touches is declared, so the scripts are correct on Redis Cluster.

local LEASES, SEQ, DECISIONS, RECENT = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local OUTBOX, OUTBOX_WAIT, OUTBOX_TRIES = KEYS[5], KEYS[6], KEYS[7]
local WEBHOOK = ARGV[2] == '1'
local READY, C, H, IDS, ARG = {}, {}, {}, {}, {}
local AUTHOR_COUNTS, AUTHOR_RECENT
do
  local k = 8
  for lane in string.gmatch(ARGV[1], '%S+') do READY[lane] = KEYS[k]; k = k + 1 end
  local n = tonumber(ARGV[4])
  for i = 1, n do
    local id = ARGV[4 + i]
    IDS[i] = id
    C[id], H[id] = KEYS[k], KEYS[k + 1]
    k = k + 2
  end
  AUTHOR_COUNTS, AUTHOR_RECENT = KEYS[k], KEYS[k + 1]
  for i = 5 + n, #ARGV do ARG[#ARG + 1] = ARGV[i] end
end

local NOW = tonumber(ARGV[3])

-- Append events to a comment's history, several in one RPUSH.
local function history(id, ...)
  local encoded = {}
  for i, event in ipairs({ ... }) do encoded[i] = cjson.encode(event) end
  redis.call('RPUSH', H[id], unpack(encoded))
end

-- A decision for the site's webhook (src/webhooks/): due now, unless an earlier event of the
-- same comment is still in the outbox, in which case it waits its turn (events of a comment
-- are delivered in order). outbox-done.lua lets the next one in.
local function outbox_add(entry, id, now)
  local waiting = redis.call('HGET', OUTBOX_WAIT, id)
  if waiting then
    redis.call('HSET', OUTBOX_WAIT, id, waiting == '' and entry or (waiting .. ' ' .. entry))
  else
    redis.call('HSET', OUTBOX_WAIT, id, '')
    redis.call('ZADD', OUTBOX, now, entry .. ' ' .. id)
  end
end

-- A final decision goes into the feed (the stream the site pages through) and the
-- last hour's decision times (for stats), whoever made it. With a retention (ms, 0 for
-- none) the feed drops entries older than that as it grows: exact trimming by entry id
-- (ids are times), a few entries at a time since every decision trims.
-- Each entry names the article and author too (from the record JSON), so the site can act
-- on it without another request, and the decision it replaces (`overturned`, a decision
-- table) when a moderator overturned one. The author's counts and recent list follow.
local function feed_decision(id, status, reason, by, now, retention, record, overturned)
  local r = cjson.decode(record or '{}')
  local author = type(r.author) == 'table' and r.author.id or nil
  local overturns = ''
  if overturned then
    overturns = cjson.encode({ decision = overturned.decision, reason = overturned.reason or '',
      decidedBy = overturned.decidedBy, decidedAt = overturned.decidedAt })
  end
  local fields = { 'id', id, 'status', status, 'reason', reason, 'decidedBy', by, 'decidedAt', now,
    'articleId', type(r.articleId) == 'string' and r.articleId or '', 'authorId', type(author) == 'string' and author or '',
    'overturns', overturns }
  local entry
  if retention > 0 then
    entry = redis.call('XADD', DECISIONS, 'MINID', now - retention, '*', unpack(fields))
  else
    entry = redis.call('XADD', DECISIONS, '*', unpack(fields))
  end
  if WEBHOOK then outbox_add(entry, id, now) end
  redis.call('ZADD', RECENT, now, id)
  redis.call('ZREMRANGEBYSCORE', RECENT, '-inf', now - RECENT_WINDOW_MS)
  if AUTHOR_COUNTS then
    redis.call('HINCRBY', AUTHOR_COUNTS, status, 1)
    if overturned then redis.call('HINCRBY', AUTHOR_COUNTS, overturned.decision == 'approve' and 'approved' or 'rejected', -1) end
    -- Most recent first, each comment once (an overturn moves it to the front).
    redis.call('LREM', AUTHOR_RECENT, 0, id)
    redis.call('LPUSH', AUTHOR_RECENT, id)
    redis.call('LTRIM', AUTHOR_RECENT, 0, 99)
    if retention > 0 then
      redis.call('PEXPIRE', AUTHOR_COUNTS, retention)
      redis.call('PEXPIRE', AUTHOR_RECENT, retention)
    end
  end
end

-- A decided comment is kept `retention` ms (0: forever), then Redis removes its record
-- and history. Called once the decision is written: nothing writes to it afterwards.
local function expire_decided(id, retention)
  if retention <= 0 then return end
  redis.call('PEXPIRE', C[id], retention)
  redis.call('PEXPIRE', H[id], retention)
end

-- The lane a comment whose lease ran out goes back to: its own, or the dead-letter lane once
-- it has been delivered max_attempts times. (site-queue.ts's returnLane says the same for stats.)
local function return_lane(lane, attempts, max_attempts)
  if tonumber(attempts) >= max_attempts then return DEAD_LANE end
  return lane
end

-- Give back a comment whose lease ran out: to its lane with its original place in line,
-- or to the dead-letter lane once it has been delivered max_attempts times.
local function requeue_expired(id, now, max_attempts)
  local c = C[id]
  redis.call('ZREM', LEASES, id)
  local f = redis.call('HMGET', c, 'status', 'lane', 'seq', 'attempts', 'holder')
  if f[1] ~= 'pending' then return end
  -- Remembered so that the moderator who lost it hears LEASE_EXPIRED, not NOT_CLAIMED,
  -- whether or not a claim swept the lease back before they came back to it.
  redis.call('HSET', c, 'expiredHolder', f[5])
  redis.call('HDEL', c, 'holder', 'leaseExpiresAt')
  history(id, { type = 'lease-expired', at = now, by = f[5], attempt = tonumber(f[4]) })
  local lane = return_lane(f[2], f[4], max_attempts)
  if lane ~= f[2] then
    redis.call('HSET', c, 'lane', DEAD_LANE)
    history(id, { type = 'dead-lettered', at = now, attempts = tonumber(f[4]) })
  end
  redis.call('ZADD', READY[lane], f[3], id)
end

-- Whether `holder` holds a live lease on a pending comment: nil if so, else the error code:
-- HELD_BY_OTHER (another moderator's live lease), LEASE_EXPIRED (the caller's lease ran
-- out, swept back already or not), NOT_CLAIMED (nobody holds it). An expired lease found
-- here is requeued on the spot, so the comment is not stuck.
local function lease_problem(id, holder, lease_holder, lease_expires, expired_holder, now, max_attempts)
  if not lease_holder then return expired_holder == holder and 'LEASE_EXPIRED' or 'NOT_CLAIMED' end
  if tonumber(lease_expires) < now then
    requeue_expired(id, now, max_attempts)
    return lease_holder == holder and 'LEASE_EXPIRED' or 'NOT_CLAIMED'
  end
  if lease_holder ~= holder then return 'HELD_BY_OTHER' end
  return nil
end
