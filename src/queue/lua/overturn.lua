-- A moderator overturns a decided comment (a moderator's decision or an automatic one):
-- the new decision replaces the old, the feed gets a new entry naming the one it replaces,
-- and the history records who overturned what.
-- One comment id (and its author's keys, when it has an author).
-- A.by: the moderator; A.decision: approve or reject; A.reason (a reason code) and A.note,
-- '' when none; A.retentionMs: how long a decided comment is kept (0: forever).
-- Returns {"OK", decision JSON}, {"SAME", decision JSON} when the comment already stands so
-- decided (a retry, or two moderators agreeing: no second effect), or {error code}:
-- NOT_FOUND, NOT_DECIDED (still pending: decide it through the review queue).
local id = IDS[1]
local by, decision, reason = A.by, A.decision, A.reason
local c = C[id]
local f = redis.call('HMGET', c, 'status', 'decision', 'record')
if not f[1] then return { 'NOT_FOUND' } end
if f[1] == 'pending' then return { 'NOT_DECIDED' } end
local old = cjson.decode(f[2])
if old.decision == decision and (old.reason or '') == reason then return { 'SAME', f[2] } end
local status = (decision == 'approve') and 'approved' or 'rejected'
local replaced = { decision = old.decision, reason = old.reason or '', decidedBy = old.decidedBy, decidedAt = old.decidedAt }
local d = { decision = decision, reason = reason, note = A.note, decidedBy = by, decidedAt = NOW, overturns = replaced }
local json = cjson.encode(d)
redis.call('HSET', c, 'status', status, 'decision', json)
feed_decision(id, status, reason, by, NOW, A.retentionMs, f[3], old)
history(id, { type = 'overturned', at = NOW, by = by, decision = decision, reason = reason, note = A.note, overturns = replaced })
expire_decided(id, A.retentionMs)
return { 'OK', json }
