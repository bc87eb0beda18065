// A screening worker thread (see screen-pool.ts). It compiles its own copy of the rules
// from the same folder as the main thread, because a compiled rule set (tries, regular
// expressions, the model's weights) cannot be sent between threads; the version a task
// names says which copy it needs.
import { loadRules, type LoadOptions } from '../rules/load.js'
import type { Ruleset } from '../screening/ruleset.js'
import { screen } from '../screening/screen.js'
import type { ScreenInput, ScreenResult } from '../screening/types.js'

export interface ScreenTask {
  rulesDir: string
  loadOptions: LoadOptions
  /** The rules version the main thread screens with; the answer must use the same one. */
  rulesVersion: string
  /** Undefined: only load the rules (warming the worker before the first long comment). */
  input?: ScreenInput
}

/** The rule sets of the last load, by version: the shared one and each site's. */
let rulesets = new Map<string, Ruleset>()

/** The answer, or null when this thread cannot screen with the version asked for. */
export default async function screenTask (task: ScreenTask): Promise<ScreenResult | null> {
  if (!rulesets.has(task.rulesVersion)) {
    try {
      const loaded = await loadRules(task.rulesDir, task.loadOptions)
      rulesets = new Map([loaded, ...Object.values(loaded.sites)].map((r) => [r.ruleset.version, r.ruleset]))
    } catch {
      // A folder broken on disk while the main thread runs its last good set: the main
      // thread screens this one itself.
      return null
    }
  }
  // The folder changed again since the main thread loaded it: same fallback, until the
  // main thread has loaded the new files too.
  const ruleset = rulesets.get(task.rulesVersion)
  if (ruleset === undefined) return null
  return task.input === undefined ? null : screen(task.input, ruleset)
}
