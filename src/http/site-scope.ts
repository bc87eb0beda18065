// Which sites a caller may see, and which site a request is about. A site key sees only its
// own site; a moderator key every site, or those it is limited to; an admin key every site.
// A site outside the caller's scope answers as if it did not exist (404), so a key learns
// nothing about other sites, not even their names.
import type { Principal } from './auth.js'
import type { ReviewQueue, SiteQueue } from '../queue/review-queue.js'
import { commentNotFound, HttpError } from './errors.js'

/** The sites `principal` may see. */
export async function visibleSites (queue: ReviewQueue, principal: Principal): Promise<string[]> {
  if (principal.role === 'site') return [principal.name]
  if (principal.sites !== undefined) return principal.sites
  return await queue.sites()
}

function siteNotFound (site: string): HttpError {
  return new HttpError(404, 'SITE_NOT_FOUND', `No site "${site}" that this key may see.`)
}

/** The sites a cross-site request covers: the one named in ?site=, or all the caller sees. */
export async function sitesFor (queue: ReviewQueue, principal: Principal, requested?: string): Promise<string[]> {
  const visible = await visibleSites(queue, principal)
  if (requested === undefined) return visible
  if (!visible.includes(requested)) throw siteNotFound(requested)
  return [requested]
}

/** The one site a request is about: named in ?site=, or the only one the caller sees. */
export async function oneSite (queue: ReviewQueue, principal: Principal, requested?: string): Promise<string> {
  const sites = await sitesFor(queue, principal, requested)
  if (sites.length === 1) return sites[0]!
  throw new HttpError(400, 'SITE_REQUIRED', `This key sees ${sites.length} sites; name one with ?site= (one of: ${sites.join(', ')}).`)
}

/**
 * The queue of the site that holds comment `id`: the site named in ?site=, or else the one
 * site the caller sees that has such a comment (ids are unique within a site, not across).
 */
export async function siteOfComment (queue: ReviewQueue, principal: Principal, id: string, requested?: string): Promise<SiteQueue> {
  const sites = await sitesFor(queue, principal, requested)
  if (sites.length === 1) return queue.site(sites[0]!)
  const holders = (await Promise.all(sites.map(async (s) => await queue.site(s).exists(id) ? s : undefined))).filter((s) => s !== undefined)
  if (holders.length === 0) throw commentNotFound(id)
  if (holders.length > 1) throw new HttpError(400, 'SITE_REQUIRED', `Comment "${id}" exists in ${holders.length} sites; name one with ?site= (one of: ${holders.join(', ')}).`)
  return queue.site(holders[0]!)
}
