// The running rule set, and how it changes: a new set is loaded, validated and compiled
// completely before one assignment swaps it in. A request reads `current` once and keeps
// that object for its whole life, so it never sees half of one set and half of another.
// A broken edit leaves the last good set running and is reported in `lastError`.
import { watch, type FSWatcher } from 'node:fs'
import { loadRules, RulesLoadError, type LoadedRules, type LoadOptions, type Problem } from './load.js'

export interface RulesStatus {
  version: string
  /** The learned scorer in use (a hash of its weights), or null when the policy has none. */
  modelVersion: string | null
  loadedAt: string
  files: string[]
  counts: LoadedRules['ruleset']['counts']
  lastError: { at: string, message: string, problems: Problem[] } | null
}

export interface Logger {
  info: (obj: object, msg?: string) => void
  error: (obj: object, msg?: string) => void
}

export class RulesStore {
  private loaded: LoadedRules
  private loadedAt: Date
  private lastError: RulesStatus['lastError'] = null
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  /** The last reload queued: reloads never overlap. */
  private queue: Promise<unknown> = Promise.resolve()
  private readonly listeners: Array<(version: string) => void> = []

  private constructor (readonly dir: string, loaded: LoadedRules, private readonly log?: Logger, private readonly options: LoadOptions = {}) {
    this.loaded = loaded
    this.loadedAt = new Date()
  }

  /** Loads the folder; a broken folder at start is an error (there is no last good set). */
  static async open (dir: string, log?: Logger, options: LoadOptions = {}): Promise<RulesStore> {
    return new RulesStore(dir, await loadRules(dir, options), log, options)
  }

  get current (): LoadedRules { return this.loaded }

  /** What the folder is loaded with, for other threads that load it too. */
  get loadOptions (): LoadOptions { return this.options }

  /** Called with the version after every reload that changed it. */
  onChange (listener: (version: string) => void): void {
    this.listeners.push(listener)
  }

  status (): RulesStatus {
    return {
      version: this.loaded.ruleset.version,
      modelVersion: this.loaded.ruleset.model?.model.version ?? null,
      loadedAt: this.loadedAt.toISOString(),
      files: this.loaded.files,
      counts: this.loaded.ruleset.counts,
      lastError: this.lastError
    }
  }

  /**
   * Load and swap. Resolves true when the folder loaded (a new version or the same one).
   * Reloads run one after another, and each reads the files as they are when it starts,
   * so a caller's answer always reflects the files at or after its call.
   */
  async reload (): Promise<boolean> {
    const next = this.queue.then(async () => await this.doReload())
    this.queue = next
    return await next
  }

  private async doReload (): Promise<boolean> {
    try {
      const next = await loadRules(this.dir, this.options)
      const previous = this.loaded.ruleset.version
      this.loaded = next
      this.loadedAt = new Date()
      this.lastError = null
      if (next.ruleset.version !== previous) {
        this.log?.info({ rulesVersion: next.ruleset.version, previous, modelVersion: next.ruleset.model?.model.version ?? null }, 'rules reloaded')
        for (const listener of this.listeners) listener(next.ruleset.version)
      }
      return true
    } catch (err) {
      const problems = err instanceof RulesLoadError ? err.problems : [{ file: this.dir, message: (err as Error).message }]
      this.lastError = { at: new Date().toISOString(), message: (err as Error).message, problems }
      this.log?.error({ err: (err as Error).message, rulesVersion: this.loaded.ruleset.version }, 'rules reload failed; the last good rules keep running')
      return false
    }
  }

  /** Reload when files in the folder change; editors write in bursts, so wait for quiet. */
  watch (debounceMs = 200): void {
    if (this.watcher !== undefined) return
    this.watcher = watch(this.dir, { recursive: true, persistent: false }, (_event, file) => {
      // schemas/ holds the published JSON Schemas (for editors), which the loader never reads.
      if (file !== null && /^schemas(?:[/\\]|$)/.test(file)) return
      clearTimeout(this.timer)
      this.timer = setTimeout(() => { void this.reload() }, debounceMs)
    })
    this.watcher.on('error', (err) => this.log?.error({ err: err.message }, 'watching the rules folder failed; use SIGHUP or POST /v1/rules/reload'))
  }

  close (): void {
    clearTimeout(this.timer)
    this.watcher?.close()
    this.watcher = undefined
  }
}
