// Runs long computations in slices so that requests are answered while they run. Used to
// compile rules, and to screen long comments when no worker thread does (see
// src/screening/steps.ts and src/pool/screen-pool.ts).
//
// Every computation in flight shares one queue: a pump takes one step of each in turn
// until a slice of SLICE_MS is used, then gives the event loop a turn (setImmediate).
// With a timer per computation instead, ten long comments in flight would each take a
// step in the same turn of the loop, and the loop would stall ten steps long; with one
// queue it stalls about one step, however many are in flight.
import type { Steps } from './screening/steps.js'

// Short: a request waiting on Redis gets its reply handled only between slices, and a
// moderator's claim makes two round trips. 10 ms slices made its p99 under attack 60-75 ms.
export const SLICE_MS = 4

interface Task { step: () => boolean }

const queue: Task[] = []
let pumping = false

function pump (): void {
  const start = performance.now()
  while (queue.length > 0 && performance.now() - start < SLICE_MS) {
    const task = queue.shift()!
    if (!task.step()) queue.push(task)
  }
  if (queue.length > 0) setImmediate(pump)
  else pumping = false
}

export async function runCooperatively<T> (steps: Steps<T>): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    queue.push({
      step: () => {
        try {
          const next = steps.next()
          if (next.done === true) resolve(next.value)
          return next.done === true
        } catch (err) {
          reject(err)
          return true
        }
      }
    })
    if (!pumping) {
      pumping = true
      setImmediate(pump)
    }
  })
}
