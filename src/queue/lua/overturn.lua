-- A moderator overturns a decided comment (a moderator's decision or an automatic one):
-- the new decision replaces the old, the feed gets a new entry naming the one it replaces,
-- and the history records who overturned what.
-- One comment id (and its author's keys, when it has an author).
-- ARG[1] by  ARG[2] "approve"|"reject"  ARG[3] reason code  ARG[4] note
-- ARG[5] retention of decided comments in ms (0: forever)
-- Returns {"OK", decision JSON}, {"SAME", decision JSON} when the comment already stands so
-- decided (a retry, or two moderators agreeing: no second effect), or {error code}:
-- NOT_FOUND, NOT_DECIDED (still pending: decide it through the review queue).
local id = IDS[1]
local by, decision, reason = ARG[1], ARG[2], ARG[3]
local c = C[id]
local f = redis.call('HMGET', c, 'status', 'decision', 'record')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] == 'pending' then return { 'NOT_DECIDED' } end
local old = cjson.decode(f[2])
if old.decision == decision and (old.reason or '') == reason then return { 'SAME', f[2] } end
local now = now_ms()
local status = (decision == 'approve') and 'approved' or 'rejected'
local replaced = { decision = old.decision, reason = old.reason or '', decidedBy = old.decidedBy, decidedAt = old.decidedAt }
local d = { decision = decision, reason = reason, note = ARG[4], decidedBy = by, decidedAt = now, overturns = replaced }
local json = cjson.encode(d)
redis.call('HSET', c, 'status', status, 'decision', json)
local retention = tonumber(ARG[5])
feed_decision(id, status, reason, by, now, retention, f[3], old)
history(id, { type = 'overturned', at = now, by = by, decision = decision, reason = reason, note = ARG[4], overturns = replaced })
expire_decided(id, retention)
return { 'OK', json }
