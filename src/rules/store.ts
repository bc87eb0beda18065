// The running rule set, and how it changes: a new set is loaded, validated and compiled
// completely before one assignment swaps it in. A request reads `current` once and keeps
// that object for its whole life, so it never sees half of one set and half of another.
// A broken edit leaves the last good set running and is reported in `lastError`.
import { dirname, resolve, sep } from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { loadRules, RulesLoadError, type LoadedRules, type LoadOptions, type Problem, type SiteRules } from './load.js'

export interface RulesStatus {
  version: string
  /** Sites with an overlay (sites/<site>/): the version their verdicts carry. */
  sites: Record<string, { version: string }>
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

/** Every version a load holds, the shared one and each site's: equal when nothing changed. */
const signature = (l: LoadedRules): string => [l.ruleset.version, ...Object.entries(l.sites).map(([site, r]) => `${site}:${r.ruleset.version}`)].join(' ')

export class RulesStore {
  private loaded: LoadedRules
  private loadedAt: Date
  private lastError: RulesStatus['lastError'] = null
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private watching: Promise<void> = Promise.resolve()
  private schemaChanges = 0
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

  /** The rules a site's comments are screened with: its overlay's, or the shared ones. */
  forSite (site: string): SiteRules {
    return this.loaded.sites[site] ?? this.loaded
  }

  /** What the folder is loaded with, for other threads that load it too. */
  get loadOptions (): LoadOptions { return this.options }

  /** Called with the version after every reload that changed it. */
  onChange (listener: (version: string) => void): void {
    this.listeners.push(listener)
  }

  status (): RulesStatus {
    return {
      version: this.loaded.ruleset.version,
      sites: Object.fromEntries(Object.entries(this.loaded.sites).map(([site, r]) => [site, { version: r.ruleset.version }])),
      modelVersion: this.loaded.ruleset.model?.model.version ?? null,
      loadedAt: this.loadedAt.toISOString(),
      files: [...new Set([this.loaded.files, ...Object.values(this.loaded.sites).map((r) => r.files)].flat())].sort(),
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
      const changed = signature(next) !== signature(this.loaded)
      this.loaded = next
      this.loadedAt = new Date()
      this.lastError = null
      if (changed) {
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

  /**
   * Reload when anything in the folder changes; editors write in bursts, so wait for quiet.
   * chokidar rather than fs.watch: editors, `sed -i`, git and Kubernetes ConfigMaps save by
   * renaming, and fs.watch went deaf to a subfolder after the first such save. The parent
   * folder is watched for this folder's own entry, so a folder deleted and made again is
   * watched again. `poll` is for file systems that send no events (Docker Desktop bind
   * mounts, network shares).
   */
  watch (debounceMs = 200, poll = false): void {
    if (this.watcher !== undefined) return
    const dir = resolve(this.dir)
    const parent = dirname(dir)
    const inside = (path: string): boolean => path === dir || path.startsWith(dir + sep)
    const schemas = resolve(dir, 'schemas')
    this.watcher = watch(parent, {
      // Only the rules folder and what is in it; the rest of the parent is never read.
      ignored: (path: string) => path !== parent && !inside(path),
      ignoreInitial: true,
      persistent: false,
      usePolling: poll,
      interval: 500
    })
    const changed = (path: string): void => {
      // schemas/ holds the published JSON Schemas (for editors), which the loader never reads.
      if (!inside(path)) return
      if (path === schemas || path.startsWith(schemas + sep)) {
        this.schemaChanges++
        return
      }
      clearTimeout(this.timer)
      this.timer = setTimeout(() => { void this.reload() }, debounceMs)
    }
    this.watcher.on('all', (_event, path) => { changed(path) })
    // A file deleted and written again at once (some deploy tools) gives chokidar's own
    // events nothing to report: its stat sees the same file. The raw event still says so.
    this.watcher.on('raw', (_event, name: string, details: unknown) => {
      const watched = (details as { watchedPath?: string } | undefined)?.watchedPath
      if (watched === undefined) return
      // A folder's watcher names the entry that changed; a file's watcher names the file.
      changed(name === '' || watched.endsWith(sep + name) ? watched : resolve(watched, name))
    })
    this.watcher.on('error', (err) => this.log?.error({ err: (err as Error).message }, 'watching the rules folder failed; use SIGHUP or POST /v1/rules/reload'))
    const watcher = this.watcher
    this.watching = new Promise((resolve) => watcher.once('ready', () => resolve()))
  }

  /** How many changes under schemas/ the watcher saw and left alone: a test waits on it
   * instead of waiting out the debounce to see that nothing reloaded. */
  get ignoredSchemaChanges (): number { return this.schemaChanges }

  /** Resolves once the watcher has read the folder and reports changes. */
  async watchReady (): Promise<void> {
    await this.watching
  }

  async close (): Promise<void> {
    clearTimeout(this.timer)
    const watcher = this.watcher
    this.watcher = undefined
    await watcher?.close()
  }
}
