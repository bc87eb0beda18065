import { loadRules } from '../../src/rules/load.js'
import { screen } from '../../src/screening/screen.js'
import type { Flag, ScreenResult } from '../../src/screening/types.js'
import { RULES_DIR } from '../helper.js'

export const { ruleset: defaultRules } = await loadRules(RULES_DIR)

export function run (text: string, people?: string[]): ScreenResult {
  return screen({ text, ...(people !== undefined ? { context: { people } } : {}) }, defaultRules)
}

/** Categories flagged in a text, sorted, without duplicates. */
export function categories (text: string, people?: string[]): string[] {
  return [...new Set(run(text, people).screening.flags.map((f: Flag) => f.category))].sort()
}

export function flagTexts (text: string): string[] {
  return run(text).screening.flags.map((f) => f.text)
}

/** The flags of a text as "category: flagged text", in text order. */
export function flagged (text: string, people?: string[]): string[] {
  return run(text, people).screening.flags.map((f) => `${f.category}: ${text.slice(f.start, f.end)}`)
}
