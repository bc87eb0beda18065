// `npm run bench [-- --quick] [--profile] [--json FILE] [--corpus DIR] [--models DIR]`: speed measured side by side.
// Every figure that matters is a ratio against a baseline measured in the same run, on the
// same machine, because absolute figures drift on shared machines. Never fails on speed.
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRules, loadRuleSource } from '../src/rules/load.js'
import { startEmbeddedRedis } from '../src/redis/embedded.js'
import { loadTexts } from './corpus.js'
import { requireCorpus } from '../scripts/corpus-check.js'
import { benchScreening } from './screening.js'
import { benchHttp, BODY_CHARS, profileIntake, type HttpRow } from './http.js'
import { profileShares, readProfile } from './profile.js'
import { benchQueue } from './queue.js'
import { benchAttack, benchFamilies, FLOOD_LIMIT, type Latencies } from './attack.js'
import { FAMILIES } from './adversarial.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    json: { type: 'string' },
    corpus: { type: 'string', default: '../shared/corpus' },
    rules: { type: 'string', default: 'rules' },
    models: { type: 'string', default: 'models' }
  }
})
const quick = values.quick
const FAMILY_COUNT = FAMILIES.length
const started = Date.now()
const fmt = (n: number, d = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const out: string[] = []
const print = (s = ''): void => { out.push(s); console.log(s) }

requireCorpus('npm run bench', values.corpus, ['comments/wiki-talk/gc.csv'])
const texts = loadTexts(values.corpus)
// The rules as the service runs them, learned scorer included (the HTTP sections start the
// service itself, which reads MODEL_DIR, ./models by default).
const { ruleset } = await loadRules(values.rules, { models: values.models })
// The uncompiled rules, to build the same rules plus a 20,000-entry list.
const { source } = await loadRuleSource(values.rules, { models: values.models })

print(`# Moderato benchmarks${quick ? ' (quick)' : ''}`)
print()
print(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}; rules ${ruleset.version}, model ${ruleset.model?.model.version ?? 'off'}`)
print()

print('## 1. Screening, per comment (µs)')
print()
const s = benchScreening(texts, ruleset, source, quick)
print('| contender | 250 chars median | 250 chars p99 | 10,000 chars median | 10,000 chars p99 |')
print('|---|---|---|---|---|')
for (const r of s.rows) print(`| ${r.name} | ${fmt(r.short.median)} | ${fmt(r.short.p99)} | ${r.long !== undefined ? fmt(r.long.median) : '—'} | ${r.long !== undefined ? fmt(r.long.p99) : '—'} |`)
print()
print(`- screen() is **${fmt(s.speedupVsIsProfane)}×** faster than bad-words isProfane alone (target ≥ 10×), ${fmt(s.speedupVsNaive)}× faster than franc + isProfane`)
print(`- a 20,000-entry lexicon costs **${fmt(s.lexicon20kVsDefault, 2)}×** the default one (target ≤ 1.5×)`)
print(`- 100 KB of one repeated character costs ${fmt(s.linear100k)}× 10 KB of it (linear: about 10×)`)
print()

print(`## 2. Adversarial texts (${FAMILY_COUNT} families, bench/adversarial.ts), CPU ms per text`)
print()
const fam = benchFamilies(ruleset, quick)
const worstRatio = Math.max(...fam.worst.ratios)
print(`- worst growth: **${fmt(worstRatio)}×** from 1,000 to 10,000${quick ? '' : ' or 10,000 to 100,000'} characters (${fam.worst.name}; target ≤ 15×, linear is 10×)`)
print(`- slowest 10,000-character text: **${fmt(fam.slowest10k.ms[10000]!, 2)} ms** (${fam.slowest10k.name}; target ≤ 50 ms)`)
print()

const dir = await mkdtemp(join(tmpdir(), 'moderato-bench-'))
// appendfsync always, as the service runs by default: the HTTP figures include the fsync.
const redis = await startEmbeddedRedis({ dir: join(dir, 'http'), appendfsync: 'always' })
// The queue figures measure scaling, not the disk: everysec keeps filling 1M comments quick.
const queueRedis = await startEmbeddedRedis({ dir: join(dir, 'queue'), appendfsync: 'everysec' })
const smallQueueRedis = await startEmbeddedRedis({ dir: join(dir, 'queue-small'), appendfsync: 'everysec' })
let results: Record<string, number> = {}
try {
  const rounds = quick ? 1 : 3
  const seconds = quick ? 3 : 4
  print(`## 3. HTTP, 32 connections (autocannon), ${rounds} alternating round${rounds > 1 ? 's' : ''} of ${seconds} s per contender`)
  print()
  const h = await benchHttp(texts, redis.url, redis.process.pid, rounds, seconds)
  const us = (n: number | undefined): string => n !== undefined ? fmt(n, 0) : '—'
  print('| server | requests/s | p50 ms | p99 ms | non-2xx | errors | CPU µs/request: server | Redis | load generator |')
  print('|---|---|---|---|---|---|---|---|---|')
  for (const r of [...h.intake, ...h.screen]) print(`| ${r.name} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${us(r.cpu.server)} | ${us(r.cpu.redis)} | ${us(r.cpu.loadGenerator)} |`)
  print()
  const [intake, bare, floor] = h.intake as [HttpRow, HttpRow, HttpRow, HttpRow]
  print(`Comments of ${BODY_CHARS} characters. Throughput ratios are medians of per-round ratios:`)
  print(`- \`intake_vs_floor\`: **${fmt(h.intakeVsFloor, 2)}×** the floor of durable intake (target ≥ 0.5)`)
  print(`- \`intake_vs_card_naive\`: **${fmt(h.intakeVsNaive, 2)}×** the naive build (target ≥ 3)`)
  print(`- \`intake_service_us\`: **${us(intake.cpu.server)} µs** of service CPU per intake request (target ≤ 120), \`intake_redis_us\`: **${us(intake.cpu.redis)} µs** of Redis CPU (target ≤ 50)`)
  print(`- \`intake_vs_bare_fastify\`: ${fmt(h.intakeVsBare, 2)}× the bare route (information: on a small machine it is the ratio of CPU per request); /v1/screen ${fmt(h.screenVsBare, 2)}×`)
  print(`- the CPU columns are what each process spent per request (all threads, from /proc); the ${cpus().length} cores are shared by all three`)
  print()
  if (values.profile) {
    const profileDir = join(dir, 'profile')
    await profileIntake(texts, redis.url, seconds, profileDir)
    print(`### Where the service's CPU goes under intake load (V8 CPU profile, share of busy samples)`)
    print()
    print('| part | share |')
    print('|---|---|')
    for (const p of profileShares(readProfile(profileDir))) print(`| ${p.part} | ${fmt(100 * p.share)}% |`)
    print()
  }

  const attackSeconds = quick ? 3 : 8
  print(`## 4. Under attack: one site key sends 10 adversarial 10,000-character comments a second`)
  print()
  const a = await benchAttack(redis.url, attackSeconds)
  print(`Probes at about 50 requests/s each for ${attackSeconds} s, first with no attack, then during it (${a.attacks} attack requests; answers ${JSON.stringify(a.attackStatuses)}), then while the same key sends ordinary comments at 90% of its rate limit of ${FLOOD_LIMIT} a second (answers ${JSON.stringify(a.withinLimitStatuses)}), then while it floods them far past that limit (answers ${JSON.stringify(a.floodStatuses)}), and last while as many requests a second go to a bare server on the same machine instead (the machine's share: the flood's cost with nothing of Moderato's in its path).`)
  print()
  print('| p99 ms | no attack | under attack | one site at 90% of its limit | under flood | same flood, to a bare server |')
  print('|---|---|---|---|---|---|')
  const row = (name: string, k: keyof Latencies, target: string, flood: string): void => {
    print(`| ${name} | ${fmt(a.quiet[k])} | ${target === '' ? fmt(a.attacked[k]) : `**${fmt(a.attacked[k])}** (target ${target})`} | ${fmt(a.withinLimit[k])} | ${flood}${fmt(a.flooded[k])}${flood} | ${fmt(a.machineFlooded[k])} |`)
  }
  row('GET /healthz', 'healthz', '≤ 50', '')
  row('POST /v1/review/claim (a moderator)', 'claim', '≤ 50', '')
  row('POST /v1/comments (another site)', 'otherIntake', '', '**')
  print()

  // The HTTP Redis is done; stopped now, it cannot rewrite its AOF during the queue figures.
  await redis.stop()

  const small = 1000
  const large = quick ? 50000 : 1000000
  print(`## 5. Review queue: claim + decide at ${fmt(small, 0)} and ${fmt(large, 0)} pending`)
  print()
  print('Each depth on its own redis-server, timed in alternating blocks of cycles.')
  print()
  const q = await benchQueue(texts, ruleset, smallQueueRedis.url, queueRedis.url, small, large, quick ? 300 : 1000)
  print('| pending | median µs | p99 µs |')
  print('|---|---|---|')
  print(`| ${fmt(q.small, 0)} | ${fmt(q.atSmall.median)} | ${fmt(q.atSmall.p99)} |`)
  print(`| ${fmt(q.large, 0)} | ${fmt(q.atLarge.median)} | ${fmt(q.atLarge.p99)} |`)
  print()
  print(`- claim + decide at ${fmt(q.large, 0)} costs **${fmt(q.ratio, 2)}×** the cost at ${fmt(q.small, 0)} (target ≤ 1.5×)`)
  print(`- Redis memory per queued comment: ${fmt(q.bytesPerComment, 0)} bytes for ${fmt(q.averageTextBytes, 0)} bytes of text, i.e. text + ${fmt(q.bytesOverText, 0)} bytes (record, screening, history, lane entry)`)
  print(`- filled at ${fmt(q.fillPerSecond, 0)} comments/s through the enqueue script (pipelined)`)

  results = {
    screen_speedup_vs_isProfane: s.speedupVsIsProfane,
    screen_speedup_vs_naive: s.speedupVsNaive,
    screen_250_median_us: s.rows[0]!.short.median,
    screen_250_p99_us: s.rows[0]!.short.p99,
    lexicon_20k_vs_default: s.lexicon20kVsDefault,
    screen_100k_vs_10k: s.linear100k,
    intake_vs_bare_fastify: h.intakeVsBare,
    screen_vs_bare_fastify: h.screenVsBare,
    intake_vs_floor: h.intakeVsFloor,
    intake_vs_card_naive: h.intakeVsNaive,
    intake_rps: intake.rps,
    intake_p99_ms: intake.p99,
    bare_rps: bare.rps,
    floor_rps: floor.rps,
    ...(intake.cpu.server !== undefined ? { intake_service_us: intake.cpu.server } : {}),
    ...(intake.cpu.redis !== undefined ? { intake_redis_us: intake.cpu.redis } : {}),
    ...(bare.cpu.server !== undefined ? { bare_server_cpu_us: bare.cpu.server } : {}),
    screen_worst_family_10k_vs_1k: Math.max(...fam.all.map((r) => r.ratios[0]!)),
    screen_worst_family_growth: worstRatio,
    screen_slowest_family_10k_ms: fam.slowest10k.ms[10000]!,
    healthz_p99_under_attack_ms: a.attacked.healthz,
    claim_p99_under_attack_ms: a.attacked.claim,
    other_site_intake_p99_under_attack_ms: a.attacked.otherIntake,
    other_site_intake_p99_site_within_limit_ms: a.withinLimit.otherIntake,
    other_site_intake_p99_under_flood_ms: a.flooded.otherIntake,
    other_site_intake_p99_flood_to_bare_server_ms: a.machineFlooded.otherIntake,
    claim_p99_under_flood_ms: a.flooded.claim,
    healthz_p99_quiet_ms: a.quiet.healthz,
    claim_1m_vs_1k: q.ratio,
    claim_pending_large: q.large,
    queue_bytes_per_comment: q.bytesPerComment,
    queue_bytes_over_text: q.bytesOverText,
    quick: quick ? 1 : 0,
    seconds: (Date.now() - started) / 1000
  }
} finally {
  await redis.stop()
  await queueRedis.stop()
  await smallQueueRedis.stop()
  await rm(dir, { recursive: true, force: true })
}
print()
print(`Finished in ${fmt((Date.now() - started) / 1000, 0)} s.`)
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n')
