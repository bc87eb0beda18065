// Long comments are screened on worker threads, so that the main thread only parses,
// routes and talks to Redis. Cooperative slices (src/cooperative.ts) kept /healthz quick
// under a stream of hostile 10,000-character comments, but every Redis round trip of a
// moderator's claim still waited behind a slice, and the claim's p99 went from 20 to over
// 50 ms (issue 11). A pool library (piscina) rather than one of our own: it queues tasks,
// replaces a thread that dies and closes cleanly, which hand-made pools get wrong.
//
// Each worker loads the rules itself (see screen-worker.ts). When it cannot match the
// main thread's version (the folder changed again, or broke, on disk), it answers null
// and the main thread screens the comment itself: a pool never changes a verdict.
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { LoadOptions } from '../rules/load.js'
import type { Logger, RulesStore } from '../rules/store.js'
import type { ScreenInput, ScreenResult } from '../screening/types.js'
import type { ScreenTask } from './screen-worker.js'

// screen-worker.js once compiled; from source, an entry that first registers tsx.
const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts'
const WORKER = new URL(FROM_SOURCE ? './screen-worker-source.mjs' : './screen-worker.js', import.meta.url).href

export interface ScreenPoolOptions {
  threads: number
  rulesDir: string
  loadOptions: LoadOptions
  /** Told once if the threads cannot run at all; the main thread screens from then on. */
  onBroken?: (err: Error) => void
  /** The thread's entry file (a file: URL); tests point it elsewhere. */
  entry?: string
}

export class ScreenPool {
  private readonly piscina: Piscina<ScreenTask, ScreenResult | null>
  private answered = 0
  private fellBack = 0
  private broken = false

  constructor (private readonly options: ScreenPoolOptions) {
    this.piscina = new Piscina({
      filename: options.entry ?? WORKER,
      minThreads: options.threads,
      maxThreads: options.threads,
      // Threads are kept, not recycled: each holds a compiled rule set worth keeping.
      idleTimeout: Infinity
    })
    // A thread that cannot even start (a missing file, a broken install) would be started
    // again and again; an 'error' event nobody listens to would end the process. Either
    // way the service must keep screening: on the main thread, with the failure logged.
    this.piscina.on('error', (err: Error) => {
      if (this.broken) return
      this.broken = true
      options.onBroken?.(err)
      void this.piscina.close({ force: true }).catch(() => {})
    })
  }

  /**
   * The answer from a worker thread, or undefined where the main thread must screen: the
   * worker has no copy of this rules version, or its thread failed (a thread that dies is
   * replaced; the comment in hand is not lost for it).
   */
  async screen (input: ScreenInput, rulesVersion: string): Promise<ScreenResult | undefined> {
    if (this.broken) {
      this.fellBack++
      return undefined
    }
    try {
      const result = await this.piscina.run(this.task(rulesVersion, input))
      if (result !== null) {
        this.answered++
        return result
      }
    } catch {
      // The thread failed (piscina replaces it) or the pool is closing: screen here.
    }
    this.fellBack++
    return undefined
  }

  /** Has every thread load this version now, not at the first long comment. */
  async warm (rulesVersion: string): Promise<void> {
    if (this.broken) return
    await Promise.all(Array.from({ length: this.options.threads }, async () => await this.piscina.run(this.task(rulesVersion))))
  }

  /** Comments answered on worker threads, and those handed back to the main thread. */
  get counts (): { answered: number, fellBack: number } {
    return { answered: this.answered, fellBack: this.fellBack }
  }

  async close (): Promise<void> {
    if (!this.broken) await this.piscina.close()
  }

  private task (rulesVersion: string, input?: ScreenInput): ScreenTask {
    return { rulesDir: this.options.rulesDir, loadOptions: this.options.loadOptions, rulesVersion, ...(input !== undefined ? { input } : {}) }
  }
}

/**
 * The service's pool, or undefined for 0 threads. Each thread compiles the rules before
 * the first long comment arrives, and again after every change of the folder.
 */
export function openScreenPool (threads: number, rules: RulesStore, log?: Logger): ScreenPool | undefined {
  if (threads === 0) return undefined
  const onBroken = (err: Error): void => log?.error({ err: err.message }, 'screening threads cannot start; long comments are screened on the main thread')
  const pool = new ScreenPool({ threads, rulesDir: rules.dir, loadOptions: rules.loadOptions, onBroken })
  const warm = (version: string): void => {
    void pool.warm(version).catch((err: Error) => log?.error({ err: err.message }, 'screening threads failed to load the rules; long comments are screened on the main thread'))
  }
  warm(rules.current.ruleset.version)
  rules.onChange(warm)
  return pool
}
