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

let ruleset: Ruleset | undefined

/** The answer, or null when this thread cannot screen with the version asked for. */
export default async function screenTask (task: ScreenTask): Promise<ScreenResult | null> {
  if (ruleset?.version !== task.rulesVersion) {
    try {
      ruleset = (await loadRules(task.rulesDir, task.loadOptions)).ruleset
    } catch {
      // A folder broken on disk while the main thread runs its last good set: the main
      // thread screens this one itself.
      return null
    }
  }
  // The folder changed again since the main thread loaded it: same fallback, until the
  // main thread has loaded the new files too.
  if (ruleset.version !== task.rulesVersion) return null
  return task.input === undefined ? null : screen(task.input, ruleset)
}
