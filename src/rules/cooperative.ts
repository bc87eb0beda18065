// Runs a long computation in slices so that requests are answered while it runs: after
// each slice of about SLICE_MS, the event loop gets a turn (setImmediate) before the next.
import { setImmediate as turn } from 'node:timers/promises'
import type { Steps } from '../screening/steps.js'

export const SLICE_MS = 10

export async function runCooperatively<T> (steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now()
  for (;;) {
    const next = steps.next()
    if (next.done === true) return next.value
    if (performance.now() - sliceStart >= sliceMs) {
      await turn()
      sliceStart = performance.now()
    }
  }
}
