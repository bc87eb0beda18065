// The rules CLI: argument parsing and dispatch. rules.ts is the program around it.
import { parseArgs } from 'node:util'
import { modelDirFromEnv, rulesDirFromEnv } from '../folders.js'
import { check, readDecisions, runBacktest, screenText, test, writeSchemas, type Result } from './commands.js'

const USAGE = `usage: npm run rules -- <command> [options]

  check [dir]                         validate a rules folder and print counts
  test [dir]                          run the example cases in <dir>/tests.yaml
  screen [--rules dir] [--people "A B,C D"] [--site s] "text"
                                      screen one text and show each flag in it (as the
                                      site s sees it: its overlay in sites/s/ over the rules)
  backtest --rules <proposed dir> --against <decisions.jsonl | redis> [--current dir] [--site s] [--json]
                                      replay decided comments through the current and the
                                      proposed rules: per-rule precision, changed verdicts;
                                      --site: the site's comments, with its overlay on both
  export [--out file.jsonl] [--site s]
                                      write decided comments from Redis as JSON lines
                                      (every site, or those named: --site a,b)
  schema [--out dir]                  write the JSON Schemas of the rule files
  migrate [--site s]                  move a store written before sites (one "{q}" tag) to
                                      the per-site layout; idempotent; stop the service first.
                                      --site: the site of feed entries whose comment is gone

dir defaults to RULES_DIR (./rules). check, test, screen and backtest use the learned scorer
in MODEL_DIR (./models) or --models <dir>, as policy.yaml's model section says. export, migrate and "--against redis" read REDIS_URL and REDIS_PREFIX; without REDIS_URL, they use the
embedded redis-server of a service running on DATA_DIR (./data).`

/**
 * The commands that reach Redis, imported only when one runs: the others (check, test,
 * screen) then start without loading the Redis client and the queue.
 */
async function redisCommands (): Promise<typeof import('./redis-commands.js')> {
  return await import('./redis-commands.js')
}

export async function main (argv: string[]): Promise<Result> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rules: { type: 'string' },
      models: { type: 'string' },
      current: { type: 'string' },
      against: { type: 'string' },
      people: { type: 'string' },
      site: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const [command, ...rest] = positionals
  const defaultDir = (): string => rulesDirFromEnv()
  // The learned scorer as the service would use it: MODEL_DIR (./models), or --models.
  const models = { models: values.models ?? modelDirFromEnv() }
  switch (values.help ? 'help' : command) {
    case 'check': return await check(rest[0] ?? defaultDir(), models)
    case 'test': return await test(rest[0] ?? defaultDir(), models)
    case 'screen': {
      const text = rest.join(' ')
      if (text.trim() === '') return { code: 2, out: 'screen needs the text to screen, e.g. npm run rules -- screen "You are an idiot"' }
      const people = values.people?.split(',').map((p) => p.trim()).filter(Boolean)
      return await screenText(values.rules ?? defaultDir(), text, people, models, values.site)
    }
    case 'backtest': {
      if (values.rules === undefined || values.against === undefined) return { code: 2, out: 'backtest needs --rules <proposed dir> and --against <decisions.jsonl | redis>' }
      const comments = values.against === 'redis' ? await (await redisCommands()).fromRedis(values.site) : await readDecisions(values.against)
      const r = await runBacktest(values.current ?? defaultDir(), values.rules, comments, models, values.site)
      return values.json && r.report !== undefined ? { code: r.code, out: JSON.stringify(r.report, null, 2) } : r
    }
    case 'export': return await (await redisCommands()).exportDecided(values.out, values.site)
    case 'migrate': return await (await redisCommands()).migrate(values.site)
    case 'schema': return await writeSchemas(values.out ?? 'rules/schemas')
    case 'help': return { code: 0, out: USAGE }
    default: return { code: 2, out: `${command === undefined ? 'no command' : `unknown command "${command}"`}\n\n${USAGE}` }
  }
}
