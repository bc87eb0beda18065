/**
 * The longest time the event loop went without a turn while `work` ran, how many turns it
 * took (a 1 ms timer's runs), and the work's result.
 */
export async function longestStall<T> (work: () => Promise<T>): Promise<{ result: T, stallMs: number, turns: number }> {
  let last = performance.now()
  let stallMs = 0
  let turns = 0
  const timer = setInterval(() => {
    const now = performance.now()
    stallMs = Math.max(stallMs, now - last)
    last = now
    turns++
  }, 1)
  try {
    const result = await work()
    return { result, stallMs: Math.max(stallMs, performance.now() - last), turns }
  } finally {
    clearInterval(timer)
  }
}
