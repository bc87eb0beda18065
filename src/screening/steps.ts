// Long computations as generators of small steps. Compiling a rule set with a
// million-word list takes seconds; written as steps, the same code runs straight through
// (tests, the CLI, benchmarks) or in slices with the event loop free between them (the
// service, see src/rules/cooperative.ts). Screening stays pure: nothing here waits.

/** A computation that yields between steps and returns T. */
export type Steps<T> = Generator<void, T, void>

/** Run every step now and return the result. */
export function runSteps<T> (steps: Steps<T>): T {
  for (;;) {
    const next = steps.next()
    if (next.done === true) return next.value
  }
}

/** Steps are taken in groups of this many items of a loop (words, lines). */
export const STEP_ITEMS = 1000

/** Yield once every STEP_ITEMS items of `items`, calling `each` on every item. */
export function * stepThrough<T> (items: Iterable<T>, each: (item: T) => void): Steps<void> {
  let n = 0
  for (const item of items) {
    each(item)
    if (++n % STEP_ITEMS === 0) yield
  }
}
