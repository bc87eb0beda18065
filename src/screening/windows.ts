// Long comments are screened in windows of a fixed size, each read with some context on
// both sides. Every stage is linear, but the memory a stage holds at once (tokens, hits)
// grew with the text, and with it the garbage collector's share: a 100,000-character text
// cost half as much again per character as a 10,000-character one. In windows, the cost
// per character is the same at any length, and no window holds more than a few thousand
// characters' worth of objects. Comments up to WINDOW characters (nearly all) are one window.

/** Characters a window owns: it reports the flags that overlap them. */
export const WINDOW = 4096
/** Characters read on each side of a window, so that a target, pattern or phrase that
 * crosses the window's edge is seen whole. Flags seen by two windows, or cut in two by
 * one, overlap and are merged into one. */
export const CONTEXT = 160

export interface Window {
  /** The slice screened: [from, to) of the text. */
  from: number
  to: number
  /** The part it owns: [ownFrom, ownTo). */
  ownFrom: number
  ownTo: number
}

// Cut at white space near the window's end when there is some, so that words stay whole.
const SPACE = /\s/

export function windowsOf (text: string, size = WINDOW, context = CONTEXT): Window[] {
  const n = text.length
  if (n <= size) return [{ from: 0, to: n, ownFrom: 0, ownTo: n }]
  const out: Window[] = []
  let ownFrom = 0
  while (ownFrom < n) {
    let ownTo = Math.min(n, ownFrom + size)
    if (ownTo < n) ownTo = spaceBefore(text, ownTo, ownTo - context)
    out.push({ from: spaceAfter(text, Math.max(0, ownFrom - context), ownFrom), to: spaceBefore(text, Math.min(n, ownTo + context), ownTo), ownFrom, ownTo })
    ownFrom = ownTo
  }
  return out
}

/** The last white space at or before `at` and after `limit`, else `at` (a cut there). */
function spaceBefore (text: string, at: number, limit: number): number {
  for (let i = at; i > limit; i--) if (i === text.length || SPACE.test(text[i]!)) return i
  return safeCut(text, at)
}

/** The first white space at or after `at` and before `limit`, else `at`. */
function spaceAfter (text: string, at: number, limit: number): number {
  for (let i = at; i < limit; i++) if (i === 0 || SPACE.test(text[i - 1]!)) return i
  return safeCut(text, at)
}

/** A cut never falls between the two halves of a surrogate pair. */
function safeCut (text: string, at: number): number {
  const c = text.charCodeAt(at - 1)
  return at > 0 && at < text.length && c >= 0xd800 && c <= 0xdbff ? at - 1 : at
}
