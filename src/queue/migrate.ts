// Moves a store written before sites existed (every key under one "{q}" hash tag) to the
// per-site layout. Each comment moves in one MULTI (copy, then delete the old keys), so the
// command can stop at any point and be run again: what moved is not found again, what did
// not is moved then. Run it with the service stopped; it needs a single Redis (the old
// layout never ran on a Cluster, where its scripts would not have worked across slots).
import type { Redis } from 'ioredis'
import { SITE_ID } from '../site-id.js'
import { ALL_LANES, legacyBase, RECENT_WINDOW_MS, siteRegistryKey, SiteKeys } from './keys.js'
import { compareStreamIds } from './stream-ids.js'

export interface MigrationReport {
  comments: number
  feedEntries: number
  sites: string[]
  /** Comments and feed entries left where they were, and why. */
  skipped: Array<{ id: string, why: string }>
}

export interface MigrationOptions {
  prefix: string
  /** The site for feed entries whose comment is gone (retention), when that cannot be read. */
  defaultSite?: string
  /** Called after every 1,000 comments moved. */
  progress?: (moved: number) => void
}

/** Place in line in the new layout: arrival time, then the old order within a millisecond. */
const placeOf = (receivedAt: number, oldSeq: number): number => receivedAt * 1000 + (oldSeq % 1000)

export async function migrateLegacy (redis: Redis, options: MigrationOptions): Promise<MigrationReport> {
  const old = legacyBase(options.prefix)
  const report: MigrationReport = { comments: 0, feedEntries: 0, sites: [], skipped: [] }
  const sites = new Set<string>()
  const keysOf = (site: string): SiteKeys => { sites.add(site); return new SiteKeys(options.prefix, site) }

  const siteOfRecord = (record: string | null | undefined): string | undefined => {
    if (record === null || record === undefined) return options.defaultSite
    return (JSON.parse(record) as { submittedBy?: string }).submittedBy
  }

  // The feed first: its entries find their site through the comment records, still in place.
  let after = '-'
  for (;;) {
    const entries = await redis.xrange(`${old}decisions`, after, '+', 'COUNT', 500)
    if (entries.length === 0) break
    for (const [entryId, fields] of entries) {
      const id = fields[fields.indexOf('id') + 1] ?? ''
      const site = siteOfRecord(await redis.hget(`${old}c:${id}`, 'record'))
      if (site === undefined || !SITE_ID.test(site)) {
        report.skipped.push({ id, why: site === undefined ? `feed entry ${entryId}: its comment is gone; name the site with --site` : `feed entry ${entryId}: "${site}" is not a site id` })
        continue
      }
      const k = keysOf(site)
      const [last] = await redis.xrevrange(k.decisions, '+', '-', 'COUNT', 1)
      // The same entry id as before, so a site's stored cursor stays valid; copied once.
      if (last === undefined || compareStreamIds(last[0], entryId) < 0) {
        await redis.xadd(k.decisions, entryId, ...fields)
        const decidedAt = Number(fields[fields.indexOf('decidedAt') + 1])
        if (decidedAt > Date.now() - RECENT_WINDOW_MS) await redis.zadd(k.recent, decidedAt, id)
      }
      report.feedEntries++
    }
    after = `(${entries[entries.length - 1]![0]}`
  }

  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${old}c:*`, 'COUNT', 500)
    cursor = next
    for (const key of keys) {
      const id = key.slice(`${old}c:`.length)
      const fields = await redis.hgetall(key)
      const site = siteOfRecord(fields.record)
      if (site === undefined || !SITE_ID.test(site)) {
        report.skipped.push({ id, why: `"${site ?? ''}" is not a site id` })
        continue
      }
      const k = keysOf(site)
      const [history, ttl] = await Promise.all([redis.lrange(`${old}h:${id}`, 0, -1), redis.pttl(key)])
      const place = placeOf(Number(fields.receivedAt), Number(fields.seq))
      const m = redis.multi()
      if (await redis.exists(k.comment(id)) === 0) {
        m.hset(k.comment(id), { ...fields, seq: place })
        if (history.length > 0) m.rpush(k.history(id), ...history)
        if (ttl > 0) m.pexpire(k.comment(id), ttl).pexpire(k.history(id), ttl)
        if (fields.status === 'pending') {
          if (fields.holder !== undefined) m.zadd(k.leases, Number(fields.leaseExpiresAt), id)
          else m.zadd(k.ready(fields.lane as typeof ALL_LANES[number]), place, id)
        }
      }
      m.del(key, `${old}h:${id}`).zrem(`${old}leases`, id)
      for (const lane of ALL_LANES) m.zrem(`${old}ready:${lane}`, id)
      await m.exec()
      if (++report.comments % 1000 === 0) options.progress?.(report.comments)
    }
  } while (cursor !== '0')

  if (sites.size > 0) await redis.sadd(siteRegistryKey(options.prefix), ...sites)
  // The old feed goes once every entry found its site; so do the counters.
  if (report.skipped.length === 0) await redis.del(`${old}decisions`, `${old}recent`, `${old}seq`, `${old}leases`, ...ALL_LANES.map((l) => `${old}ready:${l}`))
  report.sites = [...sites].sort()
  return report
}

/** Whether a store still holds data in the layout before sites. */
export async function hasLegacyData (redis: Redis, prefix: string): Promise<boolean> {
  const old = legacyBase(prefix)
  return await redis.exists(`${old}seq`, `${old}decisions`) > 0
}
