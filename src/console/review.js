// @ts-check
// The review view: lanes at a glance, a claimed batch, one comment at a time with its
// evidence, and decisions from the keyboard. A decision waits UNDO_MS before it is sent, so
// undo withdraws it; the next comment shows at once meanwhile.
import { api, ApiError, enc, query } from './api.js'
import { BIDI_CONTROLS, duration, el, say } from './dom.js'
import { renderHighlighted } from './highlight.js'

export const UNDO_MS = 5000
const LANES = ['reported', 'urgent', 'high', 'normal', 'low', 'dead']
const STATS_EVERY_MS = 5000
const SETTINGS = 'moderato.settings'

/** @typedef {import('./highlight.js').Flag} Flag */
/**
 * @typedef {{ id: string, site: string, articleId: string, text: string, author?: { id?: string, name?: string },
 *   context?: { title?: string, people?: string[] }, screening: { flags: Flag[], score: number, language: { code: string, english: boolean | null },
 *   modelVersion?: string | null, rulesVersion: string }, attempts: number, leaseExpiresAt: string,
 *   reports?: Array<{ reporterId: string, reason: string, note?: string, at: string }> }} Item
 * @typedef {{ decision: 'approve' | 'reject', reason?: string, note?: string }} DecisionBody
 * @typedef {{ item: Item, body: DecisionBody, index: number, timer: ReturnType<typeof setTimeout> }} Pending
 */

/** Settings kept for the session: the lane to claim from, batch size and lease length. */
function settings () {
  const defaults = { lane: 'auto', batch: 10, leaseSeconds: 300 }
  try { return { ...defaults, ...JSON.parse(sessionStorage.getItem(SETTINGS) ?? '{}') } } catch { return defaults }
}
/** @param {Partial<ReturnType<typeof settings>>} change */
function saveSettings (change) { sessionStorage.setItem(SETTINGS, JSON.stringify({ ...settings(), ...change })) }

export class ReviewView {
  /** @param {{ moderator: boolean }} who */
  constructor (who) {
    this.who = who
    /** @type {Item[]} */
    this.batch = []
    this.index = 0
    /** @type {Pending[]} decisions waiting out their undo time, oldest first */
    this.pending = []
    /** @type {Map<string, Array<{ code: string, readerMessage: string | null }>>} */
    this.reasons = new Map()
    /** @type {Map<string, string>} notes typed, per comment id */
    this.notes = new Map()
    /** @type {number | null} the reason picked (index) while choosing one */
    this.picking = null
    this.lastActivity = 0
    this.extending = false
    this.claiming = false
    /** @type {HTMLElement | null} */
    this.root = null
    /** @type {ReturnType<typeof setInterval>[]} */
    this.timers = []
    addEventListener('pagehide', () => this.flush())
  }

  /** Shows the view in `main` and starts its refresh timers. @param {HTMLElement} main */
  mount (main) {
    const s = settings()
    this.lanesBody = el('tbody')
    this.card = el('section', { class: 'card', 'aria-label': 'Comment under review' })
    this.side = el('aside', { 'aria-label': 'Batch and author' })
    const laneSelect = el('select', { id: 'lane', onchange: (/** @type {Event} */ e) => saveSettings({ lane: /** @type {HTMLSelectElement} */ (e.target).value }) },
      ...['auto', ...LANES].map((l) => el('option', { value: l, selected: l === s.lane }, l === 'auto' ? 'most urgent first' : l)))
    const batchSelect = el('select', { id: 'batch-size', onchange: (/** @type {Event} */ e) => saveSettings({ batch: Number(/** @type {HTMLSelectElement} */ (e.target).value) }) },
      ...[1, 5, 10, 20, 50].map((n) => el('option', { value: n, selected: n === s.batch }, String(n))))
    this.root = el('div', {},
      el('h1', {}, 'Review'),
      el('table', { class: 'lanes' },
        el('caption', { class: 'muted' }, 'Waiting comments per lane (refreshed every 5 s)'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Lane'), el('th', { scope: 'col' }, 'Waiting'), el('th', { scope: 'col' }, 'Oldest'))),
        this.lanesBody),
      this.who.moderator
        ? el('div', { class: 'toolbar' },
          el('label', { for: 'lane' }, 'Lane'), laneSelect,
          el('label', { for: 'batch-size' }, 'Batch'), batchSelect,
          el('button', { type: 'button', class: 'primary big', id: 'start', onclick: () => { void this.claim() } }, 'Start reviewing'),
          el('span', { class: 'muted' }, 'Press ? for the keys'))
        : el('p', { class: 'muted' }, 'Admin keys see the queue; moderator keys review it.'),
      el('div', { class: 'layout' }, this.card, this.side))
    main.replaceChildren(this.root)
    this.render()
    void this.refreshStats()
    this.timers.push(setInterval(() => { void this.refreshStats() }, STATS_EVERY_MS))
    this.timers.push(setInterval(() => this.tick(), 1000))
  }

  unmount () {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    this.root = null
  }

  /** The comment on screen. */
  get current () { return this.batch[this.index] }

  async refreshStats () {
    if (this.lanesBody === undefined) return
    try {
      const stats = await api('GET', '/v1/review/stats')
      this.lanesBody.replaceChildren(...LANES.map((lane) => {
        const l = stats.lanes[lane]
        return el('tr', { 'data-lane': lane }, el('th', { scope: 'row' }, lane), el('td', {}, String(l.depth)), el('td', {}, l.oldestAgeSeconds === null ? '–' : duration(l.oldestAgeSeconds)))
      }))
    } catch (err) { say(message(err), true) }
  }

  /** Claims a batch from the chosen lane (or the most urgent first). */
  async claim () {
    if (this.claiming || !this.who.moderator) return
    this.claiming = true
    const s = settings()
    try {
      const body = { max: s.batch, leaseSeconds: s.leaseSeconds, ...(s.lane !== 'auto' ? { lane: s.lane } : {}) }
      const { items } = await api('POST', '/v1/review/claim', body)
      const held = new Set(this.pending.map((p) => p.item.id))
      this.batch = /** @type {Item[]} */ (items).filter((i) => !held.has(i.id))
      this.index = 0
      say(this.batch.length === 0 ? 'Nothing is waiting in this lane. Press Enter to check again.' : `Claimed ${this.batch.length} comment${this.batch.length === 1 ? '' : 's'}.`)
      this.activity()
      this.render()
      void this.refreshStats()
    } catch (err) { say(message(err), true) } finally { this.claiming = false }
  }

  /** Loads comments already held (from "My leases") as the batch. @param {Item[]} items */
  load (items) {
    this.batch = items
    this.index = 0
  }

  /** The moderator did something: leases of the comment on screen may be extended. */
  activity () { this.lastActivity = Date.now() }

  /** Every second: the lease countdown, and an extension while the moderator is active. */
  tick () {
    const item = this.current
    const lease = this.root?.querySelector('#lease')
    if (item === undefined || !(lease instanceof HTMLElement)) return
    const left = (Date.parse(item.leaseExpiresAt) - Date.now()) / 1000
    lease.textContent = left > 0 ? `Lease: ${duration(left)} left` : 'Lease expired: the comment went back to the queue'
    lease.classList.toggle('low', left < 30)
    const { leaseSeconds } = settings()
    const activeWithin = Math.min(60, leaseSeconds / 2) * 1000
    const extendBefore = Math.min(60, leaseSeconds / 3)
    if (left > 0 && left < extendBefore && Date.now() - this.lastActivity < activeWithin) void this.extend(item, leaseSeconds)
  }

  /** @param {Item} item @param {number} leaseSeconds */
  async extend (item, leaseSeconds) {
    if (this.extending) return
    this.extending = true
    try {
      const r = await api('POST', `/v1/review/${enc(item.id)}/extend${query({ site: item.site })}`, { leaseSeconds })
      item.leaseExpiresAt = r.leaseExpiresAt
    } catch (err) { say(message(err), true) } finally { this.extending = false }
  }

  /** @param {string} site */
  async reasonsOf (site) {
    let r = this.reasons.get(site)
    if (r === undefined) {
      r = /** @type {Array<{ code: string, readerMessage: string | null }>} */ ((await api('GET', `/v1/review/reasons${query({ site })}`)).reasons)
      this.reasons.set(site, r)
    }
    return r
  }

  /** Records a decision on the comment on screen; it is sent once its undo time is over. @param {DecisionBody} body */
  decide (body) {
    const item = this.current
    if (item === undefined) return
    const note = this.notes.get(item.id)?.trim() ?? ''
    if (note !== '') body.note = note
    const pending = { item, body, index: this.index, timer: setTimeout(() => { void this.send(pending) }, UNDO_MS) }
    this.pending.push(pending)
    this.batch.splice(this.index, 1)
    if (this.index >= this.batch.length) this.index = Math.max(0, this.batch.length - 1)
    this.picking = null
    this.render()
    this.toast(`${body.decision === 'approve' ? 'Approved' : `Rejected (${body.reason})`}: ${item.id}.`)
    if (this.batch.length === 0) void this.claim()
  }

  /** Withdraws the latest decision still waiting, and shows its comment again. */
  undo () {
    const last = this.pending.pop()
    if (last === undefined) { say('Nothing to undo: decisions are sent after 5 s.'); return }
    clearTimeout(last.timer)
    const at = Math.min(last.index, this.batch.length)
    this.batch.splice(at, 0, last.item)
    this.index = at
    this.render()
    this.toast(`Undone: ${last.item.id} is back.`, false)
  }

  /** @param {Pending} pending @param {boolean} [keepalive] */
  async send (pending, keepalive = false) {
    this.pending = this.pending.filter((p) => p !== pending)
    const { item, body } = pending
    this.notes.delete(item.id)
    try {
      await api('POST', `/v1/review/${enc(item.id)}/decision${query({ site: item.site })}`, body, { keepalive })
    } catch (err) { say(`${item.id}: ${message(err)}`, true) }
  }

  /** Sends every waiting decision now (the page is closing). */
  flush () {
    for (const p of [...this.pending]) { clearTimeout(p.timer); void this.send(p, true) }
  }

  /** Gives the comment on screen back: skip (not to me again for a while) or release. @param {'skip' | 'release'} how */
  async giveBack (how) {
    const item = this.current
    if (item === undefined) return
    this.batch.splice(this.index, 1)
    if (this.index >= this.batch.length) this.index = Math.max(0, this.batch.length - 1)
    this.render()
    try {
      await api('POST', `/v1/review/${enc(item.id)}/${how}${query({ site: item.site })}`)
      say(how === 'skip' ? `Skipped ${item.id}: it goes to someone else.` : `Released ${item.id}.`)
    } catch (err) { say(message(err), true) }
    if (this.batch.length === 0) void this.claim()
  }

  /** @param {number} step */
  move (step) {
    if (this.batch.length === 0) return
    this.index = Math.min(this.batch.length - 1, Math.max(0, this.index + step))
    this.picking = null
    this.render()
  }

  /** Starts choosing a reason to reject (r), or moves the choice (1–9). @param {number | null} pick */
  async pickReason (pick) {
    const item = this.current
    if (item === undefined) return
    const reasons = await this.reasonsOf(item.site).catch((/** @type {unknown} */ err) => { say(message(err), true); return [] })
    if (pick !== null && pick >= reasons.length) return
    this.picking = pick ?? this.picking ?? -1
    this.render()
    const selected = this.root?.querySelector('.reasons button[aria-pressed="true"]') ?? this.root?.querySelector('.reasons button')
    if (selected instanceof HTMLElement) selected.focus()
  }

  /** Enter: confirms the reason picked, or claims when there is nothing to review. */
  async confirm () {
    if (this.current === undefined) { await this.claim(); return }
    if (this.picking === null || this.picking < 0) return
    const reasons = await this.reasonsOf(this.current.site)
    const reason = reasons[this.picking]
    if (reason !== undefined) this.decide({ decision: 'reject', reason: reason.code })
  }

  /**
   * The keys of this view; true when the key was one of them.
   * @param {KeyboardEvent} e
   */
  key (e) {
    this.activity()
    if (!this.who.moderator) return false
    const k = e.key
    if (this.picking !== null && /^[1-9]$/.test(k)) { void this.pickReason(Number(k) - 1); return true }
    switch (k) {
      case 'a': this.decide({ decision: 'approve' }); return true
      case 'r': void this.pickReason(null); return true
      case 'n': this.noteInput?.focus(); return true
      case 's': void this.giveBack('skip'); return true
      case 'x': void this.giveBack('release'); return true
      case 'u': this.undo(); return true
      case 'j': this.move(1); return true
      case 'k': this.move(-1); return true
      case 'Enter': void this.confirm(); return true
      case 'Escape': if (this.picking !== null) { this.picking = null; this.render(); return true } return false
      default: return false
    }
  }

  /** @param {string} text @param {boolean} [undoable] */
  toast (text, undoable = true) {
    document.querySelector('.toast')?.remove()
    const t = el('div', { class: 'toast', role: 'status' }, text, undoable ? el('button', { type: 'button', onclick: () => this.undo() }, 'Undo (u)') : null)
    document.body.append(t)
    setTimeout(() => t.remove(), UNDO_MS)
  }

  render () {
    if (this.root === null || this.card === undefined || this.side === undefined) return
    const item = this.current
    this.side.replaceChildren(...this.batchList())
    if (item === undefined) {
      this.noteInput = undefined
      this.card.replaceChildren(el('p', { id: 'empty', class: 'muted' }, this.who.moderator ? 'No comment claimed. Press Enter or "Start reviewing".' : 'Nothing to review with this key.'))
      return
    }
    const text = el('div', { class: 'text', id: 'comment-text', dir: 'auto' })
    renderHighlighted(text, item.text, item.screening.flags)
    const s = item.screening
    // Kept per comment: a re-render (picking a reason) must not lose what was typed.
    this.noteInput = el('input', { type: 'text', id: 'note', class: 'note', maxlength: 2000, placeholder: 'Only moderators see it', value: this.notes.get(item.id) ?? '', oninput: (/** @type {Event} */ e) => this.notes.set(item.id, /** @type {HTMLInputElement} */ (e.target).value) })
    this.card.replaceChildren(el('div', {},
      el('p', { class: 'meta' },
        el('span', {}, 'Article ', el('strong', { class: 'isolate' }, item.articleId), item.context?.title !== undefined ? el('span', { class: 'isolate' }, ` “${item.context.title}”`) : null),
        el('span', { id: 'author' }, 'Author ', el('strong', { class: 'isolate', dir: 'auto' }, item.author?.name ?? item.author?.id ?? 'unknown')),
        el('span', {}, `Language ${s.language.code}`),
        el('span', {}, `Site ${item.site}`)),
      el('h2', {}, 'Comment ', el('code', { id: 'comment-id', class: 'isolate' }, item.id)),
      BIDI_CONTROLS.test(item.text) ? el('p', { class: 'warn' }, 'This text contains direction-changing characters: what you see may be reordered.') : null,
      text,
      el('p', { class: 'meta' },
        el('span', { id: 'score' }, `Score ${s.score.toFixed(2)}`),
        el('span', {}, s.modelVersion ? `Model ${s.modelVersion}` : 'No model'),
        el('span', {}, `Rules ${s.rulesVersion}`),
        el('span', {}, `Delivery ${item.attempts}`),
        el('span', { id: 'lease', class: 'lease' }, '')),
      s.flags.length > 0
        ? el('table', { class: 'flags' }, el('caption', { class: 'muted' }, 'Evidence'),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Text'), el('th', { scope: 'col' }, 'Category'), el('th', { scope: 'col' }, 'Rule'), el('th', { scope: 'col' }, 'Severity'))),
          el('tbody', {}, ...s.flags.map((f) => el('tr', {}, el('td', { class: 'isolate' }, f.text), el('td', {}, f.category), el('td', {}, f.rule), el('td', {}, f.severity)))))
        : el('p', { class: 'muted' }, 'No flags: the screening found nothing.'),
      item.reports !== undefined
        ? el('section', { id: 'reports', 'aria-label': 'Reader reports' }, el('h2', {}, `Reported by ${item.reports.length} reader${item.reports.length === 1 ? '' : 's'}`),
          el('ul', { class: 'batch' }, ...item.reports.map((r) => el('li', {}, `${r.reason}: `, el('span', { class: 'isolate', dir: 'auto' }, r.note ?? '(no note)'), ` · ${r.reporterId}`))))
        : null,
      el('label', { for: 'note' }, 'Note (n)'), this.noteInput,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'approve', onclick: () => this.decide({ decision: 'approve' }) }, 'Approve (a)'),
        el('button', { type: 'button', class: 'reject', onclick: () => { void this.pickReason(null) } }, 'Reject (r)'),
        el('button', { type: 'button', onclick: () => { void this.giveBack('skip') } }, 'Skip (s)'),
        el('button', { type: 'button', onclick: () => { void this.giveBack('release') } }, 'Release (x)'),
        el('button', { type: 'button', onclick: () => this.undo() }, 'Undo (u)')),
      this.picking !== null ? this.reasonPicker(item) : null))
    this.tick()
    void this.authorHistory(item)
  }

  /** @param {Item} item */
  reasonPicker (item) {
    const box = el('div', { class: 'reasons', role: 'group', 'aria-label': 'Reason to reject: press its number, then Enter' })
    void this.reasonsOf(item.site).then((reasons) => {
      box.replaceChildren(...reasons.slice(0, 9).map((r, i) => el('button', {
        type: 'button',
        'aria-pressed': String(i === this.picking),
        title: r.readerMessage ?? '',
        onclick: () => this.decide({ decision: 'reject', reason: r.code })
      }, `${i + 1} ${r.code}`)))
      const pressed = box.querySelector('button[aria-pressed="true"]')
      if (pressed instanceof HTMLElement) pressed.focus()
    })
    return box
  }

  batchList () {
    if (this.batch.length === 0) return []
    return [el('h2', {}, `Batch (${this.index + 1} of ${this.batch.length})`),
      el('ol', { class: 'batch', 'aria-label': 'Claimed comments: j and k move' }, ...this.batch.map((b, i) =>
        el('li', { 'aria-current': i === this.index ? 'true' : undefined }, el('span', { class: 'isolate' }, b.id), ` · ${b.screening.flags.length} flag${b.screening.flags.length === 1 ? '' : 's'}`))),
      el('div', { id: 'author-history' })]
  }

  /** The author's earlier decisions, beside the comment. @param {Item} item */
  async authorHistory (item) {
    const authorId = item.author?.id
    const box = this.side?.querySelector('#author-history')
    if (!(box instanceof HTMLElement)) return
    if (authorId === undefined) { box.replaceChildren(el('p', { class: 'muted' }, 'No author id: no earlier decisions.')); return }
    try {
      const h = await api('GET', `/v1/authors/${enc(authorId)}/decisions${query({ site: item.site, limit: 5 })}`)
      if (this.current !== item) return
      box.replaceChildren(el('div', {},
        el('h2', {}, 'Author so far'),
        el('p', { id: 'author-counts' }, `${h.approved} approved, ${h.rejected} rejected`),
        el('ul', { class: 'batch' }, .../** @type {Array<{ id: string, text: string, decision: { decision: string, reason: string | null } }>} */ (h.recent).map((r) =>
          el('li', {}, `${r.decision.decision}${r.decision.reason !== null ? ` (${r.decision.reason})` : ''}: `, el('span', { class: 'isolate', dir: 'auto' }, r.text.slice(0, 80)))))))
    } catch (err) { box.replaceChildren(el('p', { class: 'error' }, message(err))) }
  }
}

/** A failure as the moderator reads it. @param {unknown} err */
export function message (err) {
  if (err instanceof ApiError) return `${err.message} (${err.code})`
  return err instanceof Error ? err.message : String(err)
}
