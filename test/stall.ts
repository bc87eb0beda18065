/** The longest time the event loop went without a turn while `work` ran, and its result. */
export async function longestStall<T> (work: () => Promise<T>): Promise<{ result: T, stallMs: number }> {
  let last = performance.now()
  let stallMs = 0
  const timer = setInterval(() => {
    const now = performance.now()
    stallMs = Math.max(stallMs, now - last)
    last = now
  }, 1)
  try {
    const result = await work()
    return { result, stallMs: Math.max(stallMs, performance.now() - last) }
  } finally {
    clearInterval(timer)
  }
}
