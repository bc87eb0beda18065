// Where the service's CPU goes: a V8 CPU profile (node --cpu-prof) of the service under
// intake load, with every sample charged to the first known part of the code found walking
// up its stack from the leaf. Used by `npm run bench -- --profile`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface CallFrame { functionName: string, url: string }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], samples: number[] }

// Checked in order, from the leaf up: the first match names the sample's part.
const PARTS: Array<[string, (f: CallFrame) => boolean]> = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['start-up (module loading)', (f) => /node:internal\/modules/.test(f.url)],
  ['screening (incl. franc, eld, bad-words)', (f) => /\/screening\//.test(f.url) || /node_modules\/(eld|franc|trigram-utils|n-gram|collapse-white-space|bad-words|re2js)\//.test(f.url)],
  ['rate limiter', (f) => /@fastify\/rate-limit/.test(f.url)],
  ['metrics (prom-client)', (f) => /node_modules\/prom-client\/|\/http\/metrics/.test(f.url)],
  ['access log (pino)', (f) => /node_modules\/(pino|sonic-boom)\//.test(f.url)],
  ['Redis client (ioredis)', (f) => /node_modules\/(ioredis|standard-as-callback|redis-errors|cluster-key-slot)\//.test(f.url)],
  ['review queue (arguments, JSON)', (f) => /\/queue\//.test(f.url)],
  ['API-key check (sha256)', (f) => /\/http\/auth/.test(f.url)],
  ['validation (ajv, characters)', (f) => /\/http\/validation|node_modules\/ajv\//.test(f.url)],
  ['JSON body parsing', (f) => /secure-json-parse/.test(f.url)],
  ['response serialisation', (f) => /fast-json-stringify/.test(f.url)],
  ['socket writes', (f) => ['writev', 'writeUtf8String', 'writeString', 'writeBuffer', 'writeLatin1String'].includes(f.functionName)],
  ['HTTP request parsing', (f) => /node:_http_common|node:_http_incoming/.test(f.url)]
]
const OTHER = 'Fastify, Node HTTP and streams, promises'

export interface ProfileShare { part: string, share: number }

/** Shares of busy time (idle and start-up left out), largest first. */
export function profileShares (profile: CpuProfile): ProfileShare[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const partOf = new Map<number, string>()
  const classify = (leaf: number): string => {
    const known = partOf.get(leaf)
    if (known !== undefined) return known
    let part = OTHER
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame
      const hit = PARTS.find(([, matches]) => matches(frame))
      if (hit !== undefined) { part = hit[0]; break }
    }
    partOf.set(leaf, part)
    return part
  }
  const counts = new Map<string, number>()
  for (const s of profile.samples) {
    const part = classify(s)
    counts.set(part, (counts.get(part) ?? 0) + 1)
  }
  counts.delete('idle')
  counts.delete('start-up (module loading)')
  const busy = [...counts.values()].reduce((a, b) => a + b, 0)
  return [...counts].map(([part, n]) => ({ part, share: n / Math.max(1, busy) })).sort((a, b) => b.share - a.share)
}

/** The one .cpuprofile a process wrote into `dir`. */
export function readProfile (dir: string): CpuProfile {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`)
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
}
