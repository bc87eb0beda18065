// @ts-check
// The console's entry point: sign-in, the views behind the #/ links, and the keys.
// No framework: a few views built from the DOM, so the whole console is a few kilobytes
// served by Moderato itself, with nothing to fetch from elsewhere.
import { api, ApiError, session } from './api.js'
import { el, say } from './dom.js'
import { message, ReviewView } from './review.js'
import { adminView, deadView, mineView, searchView } from './views.js'

/** The keys, as the ? overlay lists them (and the README). */
const KEYS = [
  ['a', 'Approve'], ['r', 'Reject: then 1–9 picks the reason, Enter confirms'], ['n', 'Write a note (Esc to leave it)'],
  ['s', 'Skip: give it back, and do not get it again for 10 minutes'], ['x', 'Release: give it back'],
  ['u', 'Undo the last decision (within 5 s)'], ['j', 'Next comment of the batch'], ['k', 'Previous comment of the batch'],
  ['Enter', 'Confirm the reason; with nothing claimed, claim a batch'], ['?', 'Show or hide this list'], ['Esc', 'Close, cancel']
]

const main = /** @type {HTMLElement} */ (document.getElementById('main'))
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'))
const help = /** @type {HTMLElement} */ (document.getElementById('help'))

/** @type {{ name: string, moderator: boolean, admin: boolean } | null} */
let who = null
/** @type {ReviewView | null} */
let review = null

function signInForm () {
  const key = el('input', { type: 'password', id: 'key', autocomplete: 'off', required: true, size: 40 })
  const problem = el('p', { class: 'error', id: 'sign-in-error', role: 'alert' })
  const submit = async () => {
    session.signIn(key.value.trim())
    try { await start() } catch (err) {
      session.signOut()
      problem.textContent = err instanceof ApiError && err.status === 401 ? 'This key is not valid here.' : message(err)
    }
  }
  main.replaceChildren(el('h1', {}, 'Sign in'),
    el('form', { onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); void submit() } },
      el('p', {}, el('label', { for: 'key' }, 'Moderator or admin key'), key),
      el('p', { class: 'muted' }, 'Kept in this tab only, until you sign out or close it.'),
      el('button', { type: 'submit', class: 'primary' }, 'Sign in')),
    problem)
  key.focus()
}

/** Finds what the key may do, then shows the console. */
async function start () {
  await api('GET', '/v1/review/stats')
  const can = async (/** @type {string} */ path) => await api('GET', path).then(() => true, (err) => {
    if (err instanceof ApiError && err.status === 403) return false
    throw err
  })
  const [moderator, admin] = await Promise.all([can('/v1/review/mine'), can('/v1/rules')])
  if (!moderator && !admin) throw new Error('This key is not a moderator or admin key.')
  who = { name: moderator ? 'moderator' : 'admin', moderator, admin }
  nav.hidden = false
  for (const a of nav.querySelectorAll('[data-admin]')) /** @type {HTMLElement} */ (a).hidden = !admin
  const out = /** @type {HTMLElement} */ (document.getElementById('sign-out'))
  out.hidden = false
  out.onclick = () => { review?.flush(); session.signOut(); location.hash = ''; location.reload() }
  review = new ReviewView({ moderator })
  await route()
}

/** Shows the view the URL's #/ names. */
async function route () {
  if (who === null || review === null) return
  const view = location.hash.replace(/^#\/?/, '') || 'review'
  for (const a of nav.querySelectorAll('a')) a.setAttribute('aria-current', a.getAttribute('href') === `#/${view}` ? 'page' : 'false')
  review.unmount()
  say('')
  const toReview = (/** @type {any[]} */ items) => { review?.load(items); location.hash = '#/review' }
  try {
    if (view === 'dead') await deadView(main, toReview)
    else if (view === 'search') await searchView(main)
    else if (view === 'mine') await mineView(main, toReview)
    else if (view === 'admin' && who.admin) await adminView(main)
    else review.mount(main)
  } catch (err) { main.replaceChildren(el('p', { class: 'error' }, message(err))) }
}

function toggleHelp (show = help.hidden) {
  help.hidden = !show
  if (show) helpClose.focus()
}

/** @param {KeyboardEvent} e */
function onKey (e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return
  const t = /** @type {HTMLElement} */ (e.target)
  if (!help.hidden) { if (e.key === 'Escape' || e.key === '?') { e.preventDefault(); toggleHelp(false) } return }
  // Typing in a field is typing: only Esc leaves it (and Enter submits its form).
  if (t.matches('input, textarea, select')) { if (e.key === 'Escape') t.blur(); return }
  // Enter and Space on a button or link press it.
  if (t.matches('button, a') && (e.key === 'Enter' || e.key === ' ')) return
  if (e.key === '?') { e.preventDefault(); toggleHelp(true); return }
  if (who === null || review === null || review.root === null) return
  if (review.key(e)) e.preventDefault()
}

const helpKeys = /** @type {HTMLElement} */ (document.getElementById('help-keys'))
helpKeys.replaceChildren(...KEYS.map(([k, what]) => el('tr', {}, el('td', {}, el('kbd', {}, k ?? '')), el('td', {}, what ?? ''))))
const helpClose = /** @type {HTMLElement} */ (document.getElementById('help-close'))
helpClose.addEventListener('click', () => toggleHelp(false))
document.addEventListener('keydown', onKey)
document.addEventListener('pointerdown', () => review?.activity())
addEventListener('hashchange', () => { void route() })

if (session.key() === null) signInForm()
else start().catch(() => { session.signOut(); signInForm() })
