// Reads a rules folder, validates every file and compiles a Ruleset. Every problem is
// reported as "file:line: what is wrong", all of them at once, so ops fix a broken edit
// in one pass. Nothing here touches the running service: the store decides what to swap.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, realpath } from 'node:fs/promises'
import { join, normalize, isAbsolute, relative } from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { LineCounter, parseDocument, isNode, type Document } from 'yaml'
import { Filter } from 'bad-words'
import { compileSteps, RuleError, type PatternSource, type Ruleset, type RuleSource, type ScreeningModel } from '../screening/ruleset.js'
import { stepThrough } from '../screening/steps.js'
import { runCooperatively } from '../cooperative.js'
import { SEVERITIES, type Severity } from '../screening/types.js'
import type { ListDefinition, ListEntry } from '../screening/lexicon.js'
import { ListsFile, PatternsFile, PolicyFile, SiteListsFile, SitePolicyFile, TestsFile } from './schema.js'
import { SITE_ID } from '../site-id.js'
import { readModel, type LoadedModel } from '../model/file.js'
import { MODEL_KINDS, type ModelKind } from '../screening/model.js'
import { misspeltForms } from '../screening/misspellings.js'
import { readEnglishWords } from './english-words.js'
import { normalizeWord } from '../screening/lexicon.js'
import type { Lane } from '../screening/types.js'

export interface Problem { file: string, line?: number, message: string }

export class RulesLoadError extends Error {
  constructor (readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
  }
}

export function formatProblem (p: Problem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`
}

/** One compiled rule set: the shared folder's, or the shared folder with one site's overlay. */
export interface SiteRules {
  ruleset: Ruleset
  /** Reason codes moderators may use (policy.yaml "reasons"). */
  reasons: string[]
  /** The reader-facing text of each reason code that has one. */
  readerMessages: Record<string, string>
  /** Per reason code, the reader reports that send an approved comment back to review. */
  reportThresholds: Record<string, number>
  /** Files read, relative to the folder: what the version hashes. */
  files: string[]
}

export interface LoadedRules extends SiteRules {
  /** Sites with an overlay folder (sites/<site>/), each compiled with the shared rules. */
  sites: Record<string, SiteRules>
}

const ajv = new Ajv({ allErrors: true, strict: false })
const SCHEMAS = { policy: PolicyFile, lists: ListsFile, sitePolicy: SitePolicyFile, siteLists: SiteListsFile, patterns: PatternsFile, tests: TestsFile }
const compiled = new Map<keyof typeof SCHEMAS, ValidateFunction>()

/** A rule file's validator, compiled on first use: a CLI call pays only for the files it reads. */
function validator (name: keyof typeof SCHEMAS): ValidateFunction {
  let v = compiled.get(name)
  if (v === undefined) {
    v = ajv.compile(SCHEMAS[name])
    compiled.set(name, v)
  }
  return v
}

// What each top-level section of a rules file holds, for hints on YAML syntax errors.
const SECTIONS: Record<string, Record<string, string>> = {
  'patterns.yaml': { patterns: 'a list of patterns, each starting with "  - id:"', spam: 'the numbers minLinks, charRun and wordRun' },
  'lists.yaml': { lists: 'a list of word lists, each starting with "  - id:"', targets: 'before, after, names and the target word files' },
  'policy.yaml': {
    clean: 'action and lane', language: 'action, lane and reason', defaultLane: 'one lane', categories: 'one entry per category',
    reasons: 'a list of reason codes', model: 'enabled and the model\'s thresholds and lanes'
  },
  'tests.yaml': { tests: 'a list of cases, each starting with "  - text:"' }
}

/**
 * Where a line with a YAML syntax error landed, in the file's own terms: the parser's
 * messages ("A block sequence may not be used as an implicit map key") describe YAML, not
 * the mistake, which is nearly always indentation.
 */
export function yamlHint (file: string, text: string, line: number): string {
  const lines = text.split('\n')
  const here = lines[line - 1] ?? ''
  let section: string | undefined
  for (let i = line - 1; i >= 0 && section === undefined; i--) {
    const m = /^([A-Za-z][\w-]*):/.exec(lines[i] ?? '')
    if (m !== null && (i < line - 1 || !here.startsWith(' '))) section = m[1]
  }
  const holds = section !== undefined ? SECTIONS[file]?.[section] : undefined
  const where = section === undefined ? 'before any section' : `in the "${section}" section${holds !== undefined ? `, which holds ${holds}` : ''}`
  return `Line ${line} is ${where}: check that it is indented like the entries around it (two spaces per level, "- " starting a list entry).`
}

/** One rules folder being read: collects file contents (for the version) and problems. */
class Reader {
  readonly contents = new Map<string, string>()
  readonly problems: Problem[] = []
  private rootPath: Promise<string> | undefined
  constructor (readonly dir: string) {}

  /** The folder's real path, links resolved, once per load. */
  private async root (): Promise<string> {
    this.rootPath ??= realpath(this.dir)
    return await this.rootPath
  }

  async text (file: string): Promise<string | undefined> {
    const rel = normalize(file)
    if (isAbsolute(rel) || rel.startsWith('..')) {
      this.problems.push({ file, message: 'must be a path inside the rules folder' })
      return undefined
    }
    try {
      // A link may point anywhere; the rules folder is what ops review and deploy, so a
      // file reached through a link must still be inside it (and no outside file's lines
      // are quoted in an error).
      const [root, real] = await Promise.all([this.root(), realpath(join(this.dir, rel))])
      const inside = relative(root, real)
      if (inside.startsWith('..') || isAbsolute(inside)) {
        this.problems.push({ file: rel, message: 'is a link to a file outside the rules folder; copy the file into the folder instead' })
        return undefined
      }
      const text = await readFile(real, 'utf8')
      this.contents.set(rel, text)
      return text
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      this.problems.push({ file: rel, message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})` })
      return undefined
    }
  }

  /** A YAML file checked against its schema; undefined (with problems noted) when invalid. */
  async yaml<T> (file: string, validate: ValidateFunction): Promise<{ data: T, line: (path: Array<string | number>) => number | undefined } | undefined> {
    const text = await this.text(file)
    if (text === undefined) return undefined
    const lineCounter = new LineCounter()
    const doc = parseDocument(text, { lineCounter, prettyErrors: false })
    if (doc.errors.length > 0) {
      // One problem per line: the parser's first words for it, and where the line landed.
      const seen = new Set<number>()
      for (const e of doc.errors) {
        const line = lineCounter.linePos(e.pos[0]).line
        if (seen.has(line)) continue
        seen.add(line)
        this.problems.push({ file, line, message: `${e.message.split('\n')[0]!}. ${yamlHint(file, text, line)}` })
      }
      return undefined
    }
    const data = doc.toJS() as unknown
    const line = (path: Array<string | number>): number | undefined => lineOf(doc, lineCounter, path)
    if (!validate(data)) {
      for (const e of validate.errors ?? []) {
        const path = e.instancePath.split('/').slice(1).map(unescapePointer)
        this.problems.push({ file, line: line(path) ?? 1, message: describe(e, path) })
      }
      return undefined
    }
    return { data: data as T, line }
  }

  /** A plain word list: one entry per line, "#" comments, optional "| severity". */
  async list (file: string): Promise<ListEntry[]> {
    const text = await this.text(file)
    if (text === undefined) return []
    const entries: ListEntry[] = []
    await runCooperatively(stepThrough(linesOf(text), ([i, raw]) => {
      const line = raw.replace(/(^|\s)#.*$/, '').trim()
      if (line === '') return
      const [word = '', sev] = line.split('|').map((s) => s.trim())
      if (sev !== undefined && !(SEVERITIES as readonly string[]).includes(sev)) {
        this.problems.push({ file, line: i + 1, message: `"${sev}" is not a severity (use ${SEVERITIES.join(', ')})` })
        return
      }
      const stars = word.replace(/^\*+|\*+$/g, '')
      if (word !== stars && stars.replace(/[^\p{L}]/gu, '').length < 4) {
        this.problems.push({ file, line: i + 1, message: `"${word}": a word with * needs at least four letters, or it matches innocent words` })
        return
      }
      if (!/\p{L}/u.test(word)) {
        this.problems.push({ file, line: i + 1, message: `"${word}" has no letters` })
        return
      }
      entries.push({ text: word, severity: sev as Severity | undefined, origin: `${file}:${i + 1}` })
    }))
    return entries
  }
}

/** The lines of a text with their index, one at a time: splitting 10 MB at once takes 300 ms. */
function * linesOf (text: string): Generator<[number, string]> {
  let from = 0
  for (let i = 0; from <= text.length; i++) {
    let to = text.indexOf('\n', from)
    if (to < 0) to = text.length
    yield [i, text.slice(from, to > from && text[to - 1] === '\r' ? to - 1 : to)]
    from = to + 1
  }
}

function unescapePointer (s: string): string | number {
  const v = s.replace(/~1/g, '/').replace(/~0/g, '~')
  return /^\d+$/.test(v) ? Number(v) : v
}

function lineOf (doc: Document, counter: LineCounter, path: Array<string | number>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range !== undefined && node.range !== null) return counter.linePos(node.range[0]).line
  }
  return undefined
}

function describe (e: ErrorObject, path: Array<string | number>): string {
  const where = path.length > 0 ? path.join('.') : 'the file'
  switch (e.keyword) {
    case 'additionalProperties': return `${where}: unknown key "${String(e.params.additionalProperty)}"`
    case 'required': return `${where}: missing "${String(e.params.missingProperty)}"`
    case 'anyOf': return `${where}: not one of the allowed values`
    case 'const': return `${where} must be "${String(e.params.allowedValue)}"`
    case 'enum': return `${where} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
    default: return `${where} ${e.message ?? 'is invalid'}`
  }
}

/** Only the most useful error per place: anyOf over literals reports each literal otherwise. */
function dedupe (problems: Problem[]): Problem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.message.split(' ')[0]}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

let badWordsList: string[] | undefined
function badWords (): string[] {
  // The bad-words list, without its wildcards: "dick*" would flag "Dickens" and "cock*"
  // "cocktail". Our own lists use wildcards only where no English word is caught.
  badWordsList ??= new Filter().list.map((w) => w.replace(/\*/g, '').trim()).filter((w) => /\p{L}/u.test(w))
  return badWordsList
}

/** The group words' misspellings that are neither English words nor other target words. */
async function groupMisspellings (group: string[], others: string[][]): Promise<string[]> {
  const known = new Set([...group, ...others.flat()].map(normalizeWord))
  return misspeltForms(group.map(normalizeWord), known, await readEnglishWords())
}

export interface LoadOptions {
  /** Folder of the learned scorer (models/). Without it, the rules screen with lists and
   * patterns only, whatever policy.yaml says: tests of the rules, and tools that ask so. */
  models?: string
}

export async function loadRules (dir: string, options: LoadOptions = {}): Promise<LoadedRules> {
  const shared = await compileFolder(dir, options)
  const sites: Record<string, SiteRules> = {}
  // One after another: each compiles a whole rule set, in slices.
  for (const site of await siteFolders(dir)) sites[site] = await compileFolder(dir, options, site)
  return { ...shared, sites }
}

/** The folders under sites/, each named by a site id; anything else there is a problem. */
async function siteFolders (dir: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(join(dir, SITES), { withFileTypes: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()
  const bad = folders.filter((name) => !SITE_ID.test(name))
  if (bad.length > 0) throw new RulesLoadError(bad.map((name) => ({ file: `${SITES}/${name}`, message: 'a folder under sites/ is named by a site id (the name of its site key: letters, digits, ".", "_", "-")' })))
  return folders
}

const SITES = 'sites'

async function compileFolder (dir: string, options: LoadOptions, site?: string): Promise<SiteRules> {
  const { source, reasons, readerMessages, reportThresholds, files } = await loadRuleSource(dir, options, site)
  try {
    // In slices: a million-word list must not hold up the requests served meanwhile.
    return { ruleset: await runCooperatively(compileSteps(source)), reasons, readerMessages, reportThresholds, files }
  } catch (err) {
    if (err instanceof RuleError) {
      const [file = 'patterns.yaml', line] = (err.origin ?? '').split(':')
      throw new RulesLoadError([{ file, line: line === undefined ? undefined : Number(line), message: err.message.replace(`${err.origin}: `, '') }])
    }
    throw err
  }
}

/**
 * The folder read and validated, not yet compiled (benchmarks extend it before compiling).
 * With `site`, its overlay too: sites/<site>/policy.yaml replaces whole sections of the
 * policy (categories one by one), sites/<site>/lists.yaml adds lists; both are optional.
 */
export async function loadRuleSource (
  dir: string, options: LoadOptions = {}, site?: string
): Promise<{ source: RuleSource, reasons: string[], readerMessages: Record<string, string>, reportThresholds: Record<string, number>, files: string[] }> {
  const r = new Reader(dir)
  const overlay = site === undefined ? undefined : `${SITES}/${site}/`
  type Read<T> = { data: T, line: (path: Array<string | number>) => number | undefined } | undefined
  const optional = async <T>(file: string, validate: ValidateFunction): Promise<Read<T>> =>
    existsSync(join(dir, file)) ? await r.yaml<T>(file, validate) : undefined
  const [shared, lists, patterns, sitePolicy, siteLists] = await Promise.all([
    r.yaml<PolicyFile>('policy.yaml', validator('policy')),
    r.yaml<ListsFile>('lists.yaml', validator('lists')),
    r.yaml<PatternsFile>('patterns.yaml', validator('patterns')),
    overlay !== undefined ? optional<SitePolicyFile>(`${overlay}policy.yaml`, validator('sitePolicy')) : undefined,
    overlay !== undefined ? optional<SiteListsFile>(`${overlay}lists.yaml`, validator('siteLists')) : undefined
  ])
  const policy = shared === undefined || sitePolicy === undefined
    ? shared
    : { ...shared, data: { ...shared.data, ...sitePolicy.data, categories: { ...shared.data.categories, ...sitePolicy.data.categories } } }
  const allowlist = (await r.list('allowlist.txt')).map((e) => e.text)

  const definitions: ListDefinition[] = []
  const ids = new Set<string>()
  // The shared lists, then the site's: its files are relative to its folder.
  for (const [file, folder, found] of [['lists.yaml', '', lists], [`${overlay ?? ''}lists.yaml`, overlay ?? '', siteLists]] as const) {
    for (const [i, l] of (found?.data.lists ?? []).entries()) {
      const line = found!.line(['lists', i])
      if (ids.has(l.id)) r.problems.push({ file, line, message: `list id "${l.id}" is used twice` })
      ids.add(l.id)
      if ((l.file === undefined) === (l.source === undefined)) {
        r.problems.push({ file, line, message: `list "${l.id}" needs exactly one of "file" or "source"` })
        continue
      }
      const entries = l.file !== undefined
        ? await r.list(`${folder}${l.file}`)
        : badWords().map((text) => ({ text, origin: 'bad-words package' }))
      definitions.push({ id: l.id, category: l.category, severity: l.severity, mode: l.mode, when: l.when ?? {}, entries })
    }
  }
  const targetWords = async (file: string | undefined): Promise<string[]> => file === undefined ? [] : (await r.list(file)).map((e) => e.text)
  const t = lists?.data.targets
  const [you, person, group, groupAdjectives, groupNouns, breakers] = await Promise.all(
    [t?.you, t?.person, t?.group, t?.groupAdjectives, t?.groupNouns, t?.breakers].map(targetWords)
  )

  const patternSources: PatternSource[] = (patterns?.data.patterns ?? []).map((p, i) => ({ ...p, origin: `patterns.yaml:${patterns?.line(['patterns', i]) ?? 1}` }))
  if (r.problems.length > 0 || policy === undefined || lists === undefined || patterns === undefined || t === undefined) {
    throw new RulesLoadError(dedupe(r.problems))
  }

  // Sections keyed by reason code: every key must be one.
  for (const section of ['readerMessages', 'reportThresholds'] as const) {
    for (const code of Object.keys(policy.data[section] ?? {})) {
      if (policy.data.reasons.includes(code)) continue
      // Named where it was written: the site's overlay, or the shared policy.
      const [file, doc] = sitePolicy?.data[section]?.[code] !== undefined ? [`${overlay ?? ''}policy.yaml`, sitePolicy] : ['policy.yaml', policy]
      r.problems.push({ file, line: doc.line([section, code]), message: `${section}: "${code}" is not one of the reason codes (${policy.data.reasons.join(', ')})` })
    }
  }
  const readerMessages = policy.data.readerMessages ?? {}
  const reportThresholds = Object.fromEntries(policy.data.reasons.map((code) => [code, policy.data.reportThresholds?.[code] ?? defaultReportThreshold(code)]))
  const model = await modelOf(policy.data.model, options.models, r.problems)
  if (r.problems.length > 0) throw new RulesLoadError(r.problems)

  const version = versionOf(r.contents)
  const source: RuleSource = {
    version,
    lists: definitions,
    allowlist,
    targets: {
      before: t.before, after: t.after, names: t.names, you: you!, person: person!, group: group!, groupAdjectives, groupNouns, breakers: breakers!,
      ...(t.misspellings === true ? { groupMisspellings: await groupMisspellings(group!, [you!, person!, groupAdjectives!, groupNouns!]) } : {})
    },
    patterns: patternSources,
    spam: patterns.data.spam,
    policy: {
      clean: policy.data.clean,
      language: policy.data.language,
      defaultLane: policy.data.defaultLane,
      categories: policy.data.categories,
      ...(model !== undefined ? { modelLanes: model.lanes } : {})
    },
    ...(model !== undefined ? { model: { model: model.model, thresholds: model.thresholds } } : {}),
    language: {
      ...(policy.data.language.minLetters !== undefined ? { minLetters: policy.data.language.minLetters } : {}),
      ...(policy.data.language.minWords !== undefined ? { minWords: policy.data.language.minWords } : {})
    }
  }
  return { source, reasons: policy.data.reasons, readerMessages, reportThresholds, files: [...r.contents.keys()].sort() }
}

/** Reports that reopen an approved comment when policy.yaml does not say: one for the gravest reasons. */
function defaultReportThreshold (code: string): number {
  return code === 'threat' || code === 'libel' ? 1 : 3
}

/**
 * The learned scorer as policy.yaml configures it: the model's own thresholds (chosen when
 * it was trained) unless the policy sets them, and its lanes. Undefined when switched off.
 */
async function modelOf (policy: PolicyFile['model'], dir: string | undefined, problems: Problem[]): Promise<(ScreeningModel & { lanes: Partial<Record<ModelKind, Lane>> }) | undefined> {
  if (dir === undefined || policy === undefined || !policy.enabled) return undefined
  let loaded: LoadedModel
  try {
    loaded = await readModel(dir)
  } catch (err) {
    problems.push({ file: 'policy.yaml', message: `model: ${(err as Error).message}` })
    return undefined
  }
  const { thresholds } = loaded.manifest
  const lanes: Partial<Record<ModelKind, Lane>> = {}
  const flag: Record<string, number> = {}
  for (const kind of MODEL_KINDS) {
    const c = policy.categories?.[kind]
    flag[kind] = c?.threshold ?? thresholds.flag[kind] ?? 1
    if (c?.lane !== undefined) lanes[kind] = c.lane
  }
  return {
    model: loaded.model,
    thresholds: {
      flag,
      within: policy.within ?? thresholds.within,
      extend: policy.extend ?? thresholds.extend,
      ...(policy.aimed ?? thresholds.aimed) !== undefined ? { aimed: policy.aimed ?? thresholds.aimed } : {}
    },
    lanes
  }
}

/** A content hash of every file read, in a stable order: equal rules, equal version. */
function versionOf (contents: Map<string, string>): string {
  const hash = createHash('sha256')
  for (const file of [...contents.keys()].sort()) hash.update(file).update('\0').update(contents.get(file)!).update('\0')
  return hash.digest('hex').slice(0, 12)
}

export interface RuleTest { text: string, people?: string[], expect: string[], status?: string, note?: string, line?: number }

/** The example cases kept next to the rules (tests.yaml). */
export async function loadRuleTests (dir: string): Promise<RuleTest[]> {
  const r = new Reader(dir)
  const file = await r.yaml<TestsFile>('tests.yaml', validator('tests'))
  if (file === undefined) throw new RulesLoadError(r.problems)
  return file.data.tests.map((t, i) => ({ ...t, line: file.line(['tests', i]) }))
}
