// Redis Stream entry ids ("<ms>-<seq>") compared as numbers: "10-0" comes after "9-5".
export function compareStreamIds (a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt)
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt)
  return am !== bm ? (am > bm ? 1 : -1) : as === bs ? 0 : as > bs ? 1 : -1
}
