// The embedded redis-server, kept running. If it dies (killed, out of disk with appendfsync
// always, a crash), every write would answer 503 until someone restarted the whole service.
// The supervisor starts it again on the same port and data directory, so the service's
// connections find it where they left it; the append-only file brings back every write it
// acknowledged. Restarts back off (0.1 s doubling to 5 s); each is logged and counted. After
// MAX_FAILURES failed starts in a row it is unhealthy, and /healthz says so, so that an
// orchestrator restarts the process; it keeps trying meanwhile.
import { setTimeout as sleep } from 'node:timers/promises'
import { startEmbeddedRedis, type EmbeddedOptions, type EmbeddedRedis } from './embedded.js'

export const MAX_FAILURES = 5

export interface SupervisorLog {
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
}

export class RedisSupervisor {
  /** Times the redis-server was started again after it died. */
  restarts = 0
  /** Failed starts since the last good one. */
  private failures = 0
  private stopping = false
  private readonly stopped = new AbortController()
  private watching: Promise<void>

  private constructor (private current: EmbeddedRedis, private readonly options: EmbeddedOptions & { port: number }, private readonly log?: SupervisorLog) {
    this.watching = this.watch()
  }

  static async start (options: EmbeddedOptions, log?: SupervisorLog): Promise<RedisSupervisor> {
    const first = await startEmbeddedRedis(options)
    return new RedisSupervisor(first, { ...options, port: first.port }, log)
  }

  get redis (): EmbeddedRedis { return this.current }

  /** False once starting again has failed MAX_FAILURES times in a row. */
  get healthy (): boolean { return this.failures < MAX_FAILURES }

  private async watch (): Promise<void> {
    await this.current.exited
    if (this.stopping) return
    const { exitCode, signalCode } = this.current.process
    this.log?.error({ exitCode, signalCode, pid: this.current.process.pid }, 'embedded redis-server died; starting it again')
    for (let delay = 100; !this.stopping; delay = Math.min(delay * 2, 5000)) {
      try {
        await sleep(delay, undefined, { signal: this.stopped.signal })
      } catch {
        return // stop() was called while waiting
      }
      try {
        const started = await startEmbeddedRedis(this.options)
        if (this.stopping) {
          await started.stop()
          return
        }
        this.current = started
        this.failures = 0
        this.restarts++
        this.log?.warn({ restarts: this.restarts, pid: this.current.process.pid, port: this.current.port }, 'embedded redis-server started again')
        this.watching = this.watch()
        return
      } catch (err) {
        this.failures++
        this.log?.error({ err: (err as Error).message, failures: this.failures, healthy: this.healthy }, 'embedded redis-server could not be started again')
      }
    }
  }

  /** Stops the redis-server for good (SIGTERM: it flushes its append-only file). */
  async stop (): Promise<void> {
    this.stopping = true
    this.stopped.abort()
    await this.current.stop()
    await this.watching
  }
}
