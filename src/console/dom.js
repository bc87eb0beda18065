// @ts-check
// Building the DOM: strings always become text nodes, never HTML. Nothing in the console
// sets innerHTML, so a comment or an author name cannot add markup or run script.

/**
 * An element with attributes (properties for on* handlers) and children; string children
 * become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | ((e: any) => void) | undefined>} [attrs]
 * @param {Array<Node | string | null | undefined | false>} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el (tag, attrs = {}, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (typeof v === 'function') e.addEventListener(k.replace(/^on/, ''), v)
    else e.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c)
  return e
}

/** @param {number} seconds */
export function duration (seconds) {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
}

/** Shows a message to the moderator in the live region. @param {string} message @param {boolean} [error] */
export function say (message, error = false) {
  const status = /** @type {HTMLElement} */ (document.getElementById('status'))
  status.className = error ? 'status error' : 'status'
  status.textContent = message
}

/** Bidi controls (RLO and friends) reorder what follows them: worth a warning next to the text. */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F]/
