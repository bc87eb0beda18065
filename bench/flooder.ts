// One site key flooding ordinary comments as fast as its connections go, in a worker thread
// of its own: a real flood comes from another machine, so its own client work must not
// delay the probes' event loop, or the probes would time the flooder, not the service.
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort, workerData } from 'node:worker_threads'

export interface FloodOrder {
  url: string
  key: string
  connections: number
  /** At most this many requests a second over all connections; as fast as they go if absent. */
  perSecond?: number
}

const { url, key, connections, perSecond } = workerData as FloodOrder
const statuses: Record<string, number> = {}
let flooding = true
parentPort?.once('message', () => { flooding = false })

const started = performance.now()
let sent = 0
await Promise.all(Array.from({ length: connections }, async (_, c) => {
  for (let i = 0; flooding; i++) {
    // Paced: wait until the total sent so far is within the rate for the time gone by.
    if (perSecond !== undefined) {
      const due = started + (sent / perSecond) * 1000
      if (due > performance.now()) await sleep(due - performance.now())
    }
    sent++
    try {
      const res = await fetch(`${url}/v1/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ articleId: 'flood', text: `Flooding the thread, comment ${c}-${i}, with nothing to say.` })
      })
      await res.arrayBuffer()
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
    } catch {
      statuses.error = (statuses.error ?? 0) + 1
    }
  }
}))
parentPort?.postMessage(statuses)
