// @ts-check
// The console's other views: dead letters, search by comment id (with overturn), my leases,
// and for admins the rules status and how each rule fares with moderators.
import { api, enc, query } from './api.js'
import { BIDI_CONTROLS, el, say } from './dom.js'
import { renderHighlighted } from './highlight.js'
import { message } from './review.js'

/** A site field: needed only when the key sees several sites (the API says so). */
function siteField (id = 'site') {
  const input = el('input', { type: 'text', id, size: 12, pattern: '[A-Za-z0-9._-]{1,64}', placeholder: 'all or only' })
  return { input, label: el('label', { for: id }, 'Site') }
}

/** @param {string} text @param {import('./highlight.js').Flag[]} flags */
function textBlock (text, flags) {
  const box = el('div', { class: 'text', dir: 'auto' })
  renderHighlighted(box, text, flags)
  return el('div', {}, BIDI_CONTROLS.test(text) ? el('p', { class: 'warn' }, 'This text contains direction-changing characters.') : null, box)
}

/** The dead-letter lane: what failed review MAX_ATTEMPTS times; claim it to review. @param {HTMLElement} main @param {(items: any[]) => void} review */
export async function deadView (main, review) {
  const { input, label } = siteField()
  const list = el('div', {})
  const load = async () => {
    try {
      const page = await api('GET', `/v1/review/queue${query({ lane: 'dead', limit: 50, site: input.value })}`)
      list.replaceChildren(page.items.length === 0
        ? el('p', { class: 'muted', id: 'dead-empty' }, 'No dead letters.')
        : el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Comment'), el('th', { scope: 'col' }, 'Deliveries'), el('th', { scope: 'col' }, 'Text'))),
          el('tbody', {}, .../** @type {any[]} */ (page.items).map((i) => el('tr', {}, el('td', { class: 'isolate' }, i.id), el('td', {}, String(i.attempts)), el('td', { class: 'isolate', dir: 'auto' }, i.text.slice(0, 120)))))))
    } catch (err) { list.replaceChildren(el('p', { class: 'error' }, message(err))) }
  }
  const claim = async () => {
    try {
      const { items } = await api('POST', '/v1/review/claim', { lane: 'dead', max: 10, ...(input.value !== '' ? { site: input.value } : {}) })
      review(items)
    } catch (err) { say(message(err), true) }
  }
  main.replaceChildren(el('h1', {}, 'Dead letters'),
    el('p', { class: 'muted' }, 'Comments whose leases ran out too many times. They are claimed only from here.'),
    el('div', { class: 'toolbar' }, label, input, el('button', { type: 'button', onclick: () => { void load() } }, 'Refresh'),
      el('button', { type: 'button', class: 'primary', onclick: () => { void claim() } }, 'Claim dead letters')),
    list)
  await load()
}

/** Search by comment id: status, screening, decision and history; and overturning. @param {HTMLElement} main */
export async function searchView (main) {
  const { input: site, label } = siteField('search-site')
  const id = el('input', { type: 'search', id: 'search-id', required: true, size: 30 })
  const out = el('div', { id: 'search-result' })
  const find = async () => {
    const q = query({ site: site.value })
    try {
      const [c, h] = await Promise.all([api('GET', `/v1/comments/${enc(id.value)}${q}`), api('GET', `/v1/comments/${enc(id.value)}/history${q}`)])
      out.replaceChildren(commentDetails(c, h.events, site.value === '' ? undefined : site.value, () => { void find() }))
    } catch (err) { out.replaceChildren(el('p', { class: 'error' }, message(err))) }
  }
  main.replaceChildren(el('h1', {}, 'Find a comment'),
    el('form', { class: 'toolbar', onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); void find() } },
      el('label', { for: 'search-id' }, 'Comment id'), id, label, site, el('button', { type: 'submit', class: 'primary' }, 'Find')),
    out)
  id.focus()
}

/**
 * @param {any} c GET /v1/comments/:id
 * @param {Array<Record<string, unknown>>} events
 * @param {string | undefined} site
 * @param {() => void} reload
 */
function commentDetails (c, events, site, reload) {
  const d = c.decision
  return el('div', {},
    el('h2', {}, 'Comment ', el('code', { class: 'isolate' }, c.id), ` · ${c.status}`),
    c.comment !== undefined ? el('p', { class: 'meta' }, `Article ${c.comment.articleId} · Author `, el('span', { class: 'isolate', dir: 'auto' }, c.comment.author?.name ?? c.comment.author?.id ?? 'unknown')) : null,
    c.comment !== undefined ? textBlock(c.comment.text, c.screening.flags) : null,
    el('p', { class: 'meta' }, `Score ${c.screening.score.toFixed(2)} · ${c.screening.flags.length} flags · language ${c.screening.language.code}`),
    d !== undefined
      ? el('p', { id: 'decision' }, `Decision: ${d.decision}${d.reason !== null ? ` (${d.reason})` : ''} by ${d.decidedBy} at ${d.decidedAt}`, d.overturns !== undefined ? ` · overturned ${d.overturns.decision} by ${d.overturns.decidedBy}` : '')
      : el('p', {}, 'Waiting for review.'),
    d !== undefined ? overturnForm(c.id, site, reload) : null,
    el('h2', {}, 'History'),
    el('ol', { class: 'batch' }, ...events.map((e) => el('li', {}, `${String(e.at)} ${String(e.type)}${e.by !== undefined ? ` by ${String(e.by)}` : ''}${e.decision !== undefined ? `: ${String(e.decision)}` : ''}${e.reason !== undefined ? ` (${String(e.reason)})` : ''}`))))
}

/** @param {string} id @param {string | undefined} site @param {() => void} reload */
function overturnForm (id, site, reload) {
  const reason = el('select', { id: 'overturn-reason' }, el('option', { value: '' }, 'approve'))
  const note = el('input', { type: 'text', id: 'overturn-note', maxlength: 2000 })
  void api('GET', `/v1/review/reasons${query({ site })}`).then((r) => {
    reason.append(.../** @type {Array<{ code: string }>} */ (r.reasons).map((x) => el('option', { value: x.code }, `reject: ${x.code}`)))
  }).catch(() => {})
  const submit = async () => {
    const body = reason.value === '' ? { decision: 'approve' } : { decision: 'reject', reason: reason.value }
    try {
      const r = await api('POST', `/v1/comments/${enc(id)}/decision${query({ site })}`, { ...body, ...(note.value !== '' ? { note: note.value } : {}) })
      say(r.changed ? `Overturned: ${id} is now ${r.status}. The site hears it through its decisions feed.` : `${id} was already ${r.status}.`)
      reload()
    } catch (err) { say(message(err), true) }
  }
  return el('form', { class: 'toolbar', 'aria-label': 'Overturn the decision', onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); void submit() } },
    el('label', { for: 'overturn-reason' }, 'New decision'), reason, el('label', { for: 'overturn-note' }, 'Note'), note,
    el('button', { type: 'submit' }, 'Overturn'))
}

/** The comments I hold, to pick up where I left off. @param {HTMLElement} main @param {(items: any[]) => void} review */
export async function mineView (main, review) {
  const { items } = await api('GET', '/v1/review/mine')
  main.replaceChildren(el('h1', {}, 'My leases'),
    items.length === 0
      ? el('p', { class: 'muted', id: 'mine-empty' }, 'You hold no comments.')
      : el('div', {},
        el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Comment'), el('th', { scope: 'col' }, 'Site'), el('th', { scope: 'col' }, 'Lease until'))),
          el('tbody', {}, .../** @type {any[]} */ (items).map((i) => el('tr', {}, el('td', { class: 'isolate' }, i.id), el('td', {}, i.site), el('td', {}, i.leaseExpiresAt))))),
        el('button', { type: 'button', class: 'primary', onclick: () => review(items) }, 'Review these')))
}

/** Admins: the running rules, and each rule's record with moderators. @param {HTMLElement} main */
export async function adminView (main) {
  const { input: site, label } = siteField('effect-site')
  const last = el('input', { type: 'number', id: 'effect-last', min: 1, max: 10000, value: 1000 })
  const table = el('div', { id: 'effectiveness' })
  const load = async () => {
    try {
      const r = await api('GET', `/v1/rules/effectiveness${query({ site: site.value, last: last.value })}`)
      table.replaceChildren(el('p', { class: 'muted' }, `${r.comments} decided comments of ${r.site}.`),
        el('table', {}, el('thead', {}, el('tr', {}, ...['Rule', 'Categories', 'Fired', 'Reviewed', 'Approved by moderators', 'Upheld'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, .../** @type {any[]} */ (r.rules).map((x) => el('tr', {}, el('td', {}, x.rule), el('td', {}, x.categories.join(', ')), el('td', {}, String(x.fired)),
            el('td', {}, String(x.reviewed)), el('td', {}, String(x.approved)), el('td', {}, x.precision === null ? '–' : `${Math.round(x.precision * 100)}%`))))))
    } catch (err) { table.replaceChildren(el('p', { class: 'error' }, message(err))) }
  }
  const s = await api('GET', '/v1/rules')
  main.replaceChildren(el('h1', {}, 'Rules'),
    el('table', { id: 'rules-status' }, el('tbody', {},
      el('tr', {}, el('th', { scope: 'row' }, 'Version'), el('td', {}, s.version)),
      el('tr', {}, el('th', { scope: 'row' }, 'Loaded at'), el('td', {}, s.loadedAt)),
      el('tr', {}, el('th', { scope: 'row' }, 'Model'), el('td', {}, s.modelVersion ?? 'off')),
      el('tr', {}, el('th', { scope: 'row' }, 'Last error'), el('td', {}, s.lastError === null ? 'none' : `${s.lastError.at}: ${s.lastError.message}`)))),
    el('h2', {}, 'Rule effectiveness'),
    el('form', { class: 'toolbar', onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); void load() } },
      label, site, el('label', { for: 'effect-last' }, 'Last decisions'), last, el('button', { type: 'submit' }, 'Show')),
    table)
  await load()
}
