// Spam signals that need no word list: several links, a character held down, a word
// repeated over and over. All three are single linear scans.
import type { Token } from './tokenize.js'

export interface SpamConfig {
  /** Flag the links when a comment has at least this many (0 turns the check off). */
  minLinks: number
  /** Flag a run of one character at least this long (0 turns the check off). */
  charRun: number
  /** Flag a word repeated this many times in a row (0 turns the check off). */
  wordRun: number
}

export interface Span { start: number, end: number, rule: string }

// Linear by construction: no nested or adjacent unbounded quantifiers over the same text.
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi

export function findSpam (text: string, tokens: Token[], config: SpamConfig): Span[] {
  const spans: Span[] = []
  if (config.minLinks > 0) {
    const links = [...text.matchAll(LINK)]
    if (links.length >= config.minLinks) {
      for (const m of links) spans.push({ start: m.index, end: m.index + m[0].length, rule: 'spam:links' })
    }
  }
  if (config.charRun > 0) {
    let runStart = 0
    for (let i = 1; i <= text.length; i++) {
      if (i < text.length && text[i] === text[i - 1]) continue
      if (i - runStart >= config.charRun && text[runStart]!.trim() !== '') spans.push({ start: runStart, end: i, rule: 'spam:repeated-character' })
      runStart = i
    }
  }
  if (config.wordRun > 0) {
    let runStart = 0
    for (let i = 1; i <= tokens.length; i++) {
      if (i < tokens.length && tokens[i]!.norm === tokens[i - 1]!.norm) continue
      if (i - runStart >= config.wordRun) spans.push({ start: tokens[runStart]!.start, end: tokens[i - 1]!.end, rule: 'spam:repeated-word' })
      runStart = i
    }
  }
  return spans
}
