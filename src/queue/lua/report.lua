-- A reader reports a comment. One comment id.
-- A.reporterId; A.reason: a reason code; A.note ('' when none); A.threshold: the reason's.
-- Every report goes into the history, and the first 50 into the record the moderator sees.
-- A reporter counts once per comment. Only reports on an approved (published) comment count
-- towards sending it back to review: reports on a pending or rejected one are kept and change
-- nothing. Once a reason's count reaches its threshold, the comment goes back to review in
-- the reported lane, in its old place in line, and its counts start again.
-- Returns {"REOPENED" | "COUNTED" | "KEPT" | "REPEATED", status, count for the reason}, or
-- {"NOT_FOUND"}. REPEATED: this reporter had reported the comment already.
local id = IDS[1]
local c = C[id]
local reporter, reason, note = A.reporterId, A.reason, A.note
local f = redis.call('HMGET', c, 'status', 'seq', 'reportCounts', 'reports')
if not f[1] then return { 'NOT_FOUND' } end
local first = redis.call('HSETNX', c, 'reporter:' .. reporter, reason) == 1
history(id, { type = 'reported', at = NOW, reporterId = reporter, reason = reason, note = note, counted = first })
if not first then return { 'REPEATED', f[1], 0 } end
local reports = cjson.decode(f[4] or '[]')
if #reports < 50 then
  reports[#reports + 1] = { reporterId = reporter, reason = reason, note = note, at = NOW }
  redis.call('HSET', c, 'reports', cjson.encode(reports))
end
if f[1] ~= 'approved' then return { 'KEPT', f[1], 0 } end
local counts = cjson.decode(f[3] or '{}')
local count = (counts[reason] or 0) + 1
counts[reason] = count
if count < A.threshold then
  redis.call('HSET', c, 'reportCounts', cjson.encode(counts))
  return { 'COUNTED', 'approved', count }
end
-- Back to review: pending in the reported lane, kept however long review takes.
redis.call('HSET', c, 'status', 'pending', 'lane', REPORTED_LANE, 'reportCounts', '{}', 'attempts', 0)
redis.call('ZADD', READY[REPORTED_LANE], f[2], id)
redis.call('PERSIST', c)
redis.call('PERSIST', H[id])
history(id, { type = 'queued', at = NOW, lane = REPORTED_LANE, reason = reason, reports = count })
return { 'REOPENED', 'pending', count }
