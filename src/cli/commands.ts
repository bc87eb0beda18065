// The rules CLI's commands, as functions that return their output and exit code, so
// tests call them directly; main.ts parses arguments and rules.ts prints.
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { loadRules, loadRuleTests, RulesLoadError, formatProblem, type LoadedRules, type LoadOptions, type SiteRules } from '../rules/load.js'
import { ListsFile, PatternsFile, PolicyFile, SiteListsFile, SitePolicyFile, TestsFile } from '../rules/schema.js'
import type { ScreenResult } from '../screening/types.js'
import type { DecidedComment } from '../queue/review-queue.js'
import type { BacktestReport, DecidedInput } from './backtest.js'

/**
 * Screening, imported by the commands that screen: its language models take most of a
 * second to load, which `check` does not need.
 */
async function screening (): Promise<typeof import('../screening/screen.js')> {
  return await import('../screening/screen.js')
}

export interface Result { code: number, out: string }

function problems (err: unknown): Result {
  if (err instanceof RulesLoadError) return { code: 1, out: err.problems.map(formatProblem).join('\n') }
  throw err
}

export async function check (dir: string, options: LoadOptions = {}): Promise<Result> {
  try {
    const { ruleset, files, sites } = await loadRules(dir, options)
    const c = ruleset.counts
    const lines = [
      `${dir}: OK, version ${ruleset.version}, model ${ruleset.model?.model.version ?? 'off'}`,
      `files: ${files.join(', ')}`,
      ...(Object.keys(sites).length > 0 ? [`sites: ${Object.entries(sites).map(([site, r]) => `${site} (version ${r.ruleset.version}, ${r.files.filter((f) => f.startsWith('sites/')).join(', ')})`).join('; ')}`] : []),
      `entries: ${c.entries} compiled, allowlist ${c.allowlist}, patterns ${c.patterns}`,
      'lists: ' + Object.entries(c.lists).map(([k, v]) => `${k} ${v}`).join(', '),
      'categories: ' + Object.entries(c.categories).map(([k, v]) => `${k} ${v}`).join(', ')
    ]
    return { code: 0, out: lines.join('\n') }
  } catch (err) {
    return problems(err)
  }
}

export async function test (dir: string, options: LoadOptions = {}): Promise<Result> {
  let loaded
  let cases
  try {
    loaded = await loadRules(dir, options)
    cases = await loadRuleTests(dir)
  } catch (err) {
    return problems(err)
  }
  const failures: string[] = []
  const { screen } = await screening()
  for (const c of cases) {
    const r = screen({ text: c.text, ...(c.people !== undefined ? { context: { people: c.people } } : {}) }, loaded.ruleset)
    const got = [...new Set(r.screening.flags.map((f) => f.category))].sort()
    const want = [...new Set(c.expect)].sort()
    const wrongCategories = got.join(',') !== want.join(',')
    const wrongStatus = c.status !== undefined && c.status !== r.verdict.status
    if (wrongCategories || wrongStatus) {
      failures.push(`tests.yaml:${c.line}: ${JSON.stringify(c.text)}\n    expected ${want.length > 0 ? want.join(', ') : 'not flagged'}${c.status !== undefined ? ` (${c.status})` : ''}` +
        `, got ${got.length > 0 ? got.join(', ') : 'not flagged'} (${r.verdict.status})` +
        (r.screening.flags.length > 0 ? `\n    flags: ${r.screening.flags.map((f) => `${f.category} ${f.rule} "${f.text}"`).join('; ')}` : ''))
    }
  }
  const summary = `${cases.length - failures.length} passed, ${failures.length} failed (rules ${loaded.ruleset.version})`
  return { code: failures.length > 0 ? 1 : 0, out: [...failures, summary].join('\n') }
}

/** The text with flagged spans marked «like this», then one line per flag. */
export function formatScreen (text: string, r: ScreenResult): string {
  const marks = r.screening.flags.map((f) => [f.start, f.end] as const).sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  for (const [start, end] of marks) {
    if (start < at) continue
    out += text.slice(at, start) + '«' + text.slice(start, end) + '»'
    at = end
  }
  out += text.slice(at)
  const v = r.verdict
  const lang = r.screening.language
  const lines = [
    `verdict: ${v.status}, lane ${v.lane}${v.reason !== undefined ? ` (reason: ${v.reason})` : ''}`,
    `language: ${lang.code}, english ${String(lang.english)}, confidence ${lang.confidence}`,
    `score: ${r.screening.score}, rules ${r.screening.rulesVersion}, model ${r.screening.modelVersion ?? 'off'}`,
    '',
    out,
    ''
  ]
  for (const f of r.screening.flags) lines.push(`  ${f.category.padEnd(16)} ${f.severity.padEnd(7)} ${f.rule.padEnd(36)} ${f.start}-${f.end} ${JSON.stringify(f.text)}`)
  if (r.screening.flags.length === 0) lines.push('  no flags')
  return lines.join('\n')
}

export async function screenText (dir: string, text: string, people?: string[], options: LoadOptions = {}, site?: string): Promise<Result> {
  try {
    const loaded = await loadRules(dir, options)
    const rules = site === undefined ? loaded : loaded.sites[site]
    if (rules === undefined) return { code: 2, out: noOverlay(dir, site!, loaded) }
    const { ruleset } = rules
    const { screen } = await screening()
    const r = screen({ text, ...(people !== undefined ? { context: { people } } : {}) }, ruleset)
    return { code: 0, out: formatScreen(text, r) }
  } catch (err) {
    return problems(err)
  }
}

/** Decided comments from a JSONL file: the `export` format, or { id, text, decision }. */
export async function readDecisions (path: string): Promise<DecidedInput[]> {
  const text = await readFile(path, 'utf8')
  const out: DecidedInput[] = []
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let row: Record<string, unknown>
    try {
      row = JSON.parse(line) as Record<string, unknown>
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON object`)
    }
    out.push(toInput(row, `${path}:${i + 1}`))
  })
  return out
}

export function toInput (row: Record<string, unknown> | DecidedComment, where: string): DecidedInput {
  const r = row as Record<string, unknown>
  const d = r.decision
  const decision = typeof d === 'string' ? d : (d as { decision?: unknown } | undefined)?.decision
  const reason = typeof r.reason === 'string' ? r.reason : (d as { reason?: unknown } | undefined)?.reason
  const by = d as { automatic?: unknown, decidedBy?: unknown } | undefined
  const automatic = r.automatic === true || by?.automatic === true || by?.decidedBy === 'moderato'
  if (typeof r.id !== 'string' || typeof r.text !== 'string' || (decision !== 'approve' && decision !== 'reject')) {
    throw new Error(`${where}: each line needs "id", "text" and a decision ("approve" or "reject", or { "decision": … } as written by export)`)
  }
  return { id: r.id, text: r.text, decision, ...(typeof reason === 'string' ? { reason } : {}), ...(automatic ? { automatic } : {}), ...(typeof r.context === 'object' && r.context !== null ? { context: r.context as DecidedInput['context'] } : {}) }
}

/** What --site names when the folder has no overlay for it. */
function noOverlay (dir: string, site: string, loaded: LoadedRules): string {
  const sites = Object.keys(loaded.sites)
  return `${dir} has no overlay for the site "${site}" (no folder sites/${site}/); ${sites.length > 0 ? `sites with one: ${sites.join(', ')}` : 'it has no site overlays'}`
}

export async function runBacktest (
  currentDir: string, proposedDir: string, comments: DecidedInput[], options: LoadOptions = {}, site?: string
): Promise<{ code: number, report?: BacktestReport, out: string }> {
  let current
  let proposed
  // Say which folder is at fault: the draft, most often, but not always.
  try {
    current = await loadRules(currentDir, options)
  } catch (err) {
    return which(`current rules (${currentDir})`, problems(err))
  }
  try {
    proposed = await loadRules(proposedDir, options)
  } catch (err) {
    return which(`proposed rules (${proposedDir})`, problems(err))
  }
  // With --site, both folders as that site sees them (its overlay over the shared rules).
  const pick = (loaded: LoadedRules, dir: string): SiteRules | string => site === undefined ? loaded : loaded.sites[site] ?? noOverlay(dir, site, loaded)
  const [before, after] = [pick(current, currentDir), pick(proposed, proposedDir)]
  if (typeof before === 'string') return { code: 2, out: before }
  if (typeof after === 'string') return { code: 2, out: after }
  const { backtest } = await import('./backtest.js')
  const report = backtest(comments, before.ruleset, after.ruleset)
  return { code: 0, report, out: formatBacktest(report) }
}

const which = (folder: string, r: Result): Result => ({ code: r.code, out: `${folder} do not load:\n${r.out}` })

const pct = (p: number | null): string => p === null ? '—' : `${(p * 100).toFixed(1)}%`

export function formatBacktest (r: BacktestReport): string {
  const lines = [
    `${r.comments} decided comments: ${r.comments - r.automatic} by moderators (${r.rejectedByModerators} rejected), ${r.automatic} by the policy itself (not counted below)`,
    `current rules ${r.current.version}: flagged ${r.current.flagged}, of which rejected ${r.current.flaggedAndRejected}`,
    `proposed rules ${r.proposed.version}: flagged ${r.proposed.flagged}, of which rejected ${r.proposed.flaggedAndRejected}`,
    '',
    '| rule | fired (current) | moderators agreed | fired (proposed) | moderators agreed |',
    '|---|---|---|---|---|'
  ]
  const names = [...new Set([...r.current.rules, ...r.proposed.rules].map((f) => f.rule))].sort()
  for (const name of names) {
    const a = r.current.rules.find((f) => f.rule === name)
    const b = r.proposed.rules.find((f) => f.rule === name)
    lines.push(`| ${name} | ${a?.fired ?? 0} | ${pct(a?.precision ?? null)} | ${b?.fired ?? 0} | ${pct(b?.precision ?? null)} |`)
  }
  lines.push('', `${r.changes.length} comments change lane or verdict:`)
  for (const c of r.changes) {
    lines.push(`  ${c.id} (${c.automatic ? 'policy' : 'moderators'}: ${c.decision}): ${c.current.status}/${c.current.lane} → ${c.proposed.status}/${c.proposed.lane}` +
      `  [${c.current.rules.join(', ') || 'no flags'} → ${c.proposed.rules.join(', ') || 'no flags'}]`)
  }
  return lines.join('\n')
}

export async function writeSchemas (outDir: string): Promise<Result> {
  await mkdir(outDir, { recursive: true })
  const schemas = {
    'policy.schema.json': PolicyFile,
    'lists.schema.json': ListsFile,
    'patterns.schema.json': PatternsFile,
    'tests.schema.json': TestsFile,
    // sites/<site>/policy.yaml and lists.yaml
    'site-policy.schema.json': SitePolicyFile,
    'site-lists.schema.json': SiteListsFile
  }
  for (const [name, schema] of Object.entries(schemas)) await writeFile(join(outDir, name), schemaJson(schema))
  return { code: 0, out: `wrote ${Object.keys(schemas).join(', ')} to ${outDir}` }
}

export function schemaJson (schema: object): string {
  return JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2) + '\n'
}
