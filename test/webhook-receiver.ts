// A webhook receiver for tests: a real HTTP server on loopback that records every delivery
// (raw body, headers), answers with the status the test sets, can hold requests, and tracks
// which event ids are being delivered at the same moment.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export interface Delivery { eventId: string, raw: string, body: Record<string, unknown>, signature: string | undefined, headers: IncomingMessage['headers'] }

export class Receiver {
  /** Requests answered with a 2xx, in arrival order. */
  readonly deliveries: Delivery[] = []
  /** Every request, whatever it was answered. */
  requests = 0
  /** Answer with this status. */
  status = 200
  /** When set, requests wait for it before being answered. */
  hold: Promise<void> | undefined
  /** Each request waits this long before it is answered (widens the window for overlaps). */
  delayMs = 0
  /** Event ids seen twice at the same moment (must stay empty). */
  readonly concurrent: string[] = []
  private readonly inFlight = new Set<string>()
  private server: Server | undefined

  /** Listens on `port` (0: a free one); resolves with the URL of the hook path. */
  async listen (t: Test, port = 0): Promise<string> {
    const server = createServer((req, res) => { void this.handle(req, res) })
    this.server = server
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    t.teardown(async () => { await this.close() })
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  }

  async close (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const eventId = String(req.headers['idempotency-key'])
    this.requests++
    if (this.inFlight.has(eventId)) this.concurrent.push(eventId)
    this.inFlight.add(eventId)
    try {
      if (this.hold !== undefined) await this.hold
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs))
      if (this.status >= 200 && this.status < 300) {
        this.deliveries.push({ eventId, raw, body: JSON.parse(raw) as Record<string, unknown>, signature: req.headers['moderato-signature'] as string | undefined, headers: req.headers })
      }
      res.writeHead(this.status).end()
    } finally {
      this.inFlight.delete(eventId)
    }
  }
}
