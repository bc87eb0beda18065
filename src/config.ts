// The one place that reads process.env. A bad value stops the start with a message that
// names the variable; everything else receives a typed, validated Config.
import { envSchema } from 'env-schema'
import { validationMessage } from './validation-messages.js'
import { Type, type Static } from 'typebox'
import { DEFAULT_MODEL_DIR, DEFAULT_RULES_DIR } from './folders.js'
import { SITE_ID } from './site-id.js'

const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_CLUSTER_NODES: Type.Optional(Type.String({ pattern: '^\\s*$|^[^,:\\s]+:\\d+(\\s*,\\s*[^,:\\s]+:\\d+)*\\s*$' })),
  /** Key prefix in Redis, so several deployments (or tests) can share one server. */
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_-]+$', default: 'moderato' }),
  /** How long a Redis command may take before the request gets a 503. */
  REDIS_SENTINELS: Type.Optional(Type.String({ pattern: '^\\s*$|^[^,:\\s]+:\\d+(\\s*,\\s*[^,:\\s]+:\\d+)*\\s*$' })),
  REDIS_SENTINEL_NAME: Type.String({ minLength: 1, default: 'mymaster' }),
  REDIS_MIN_REPLICAS_ACK: Type.Integer({ minimum: 0, maximum: 16, default: 0 }),
  REDIS_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60000, default: 500 }),
  /** Where the embedded redis-server keeps its data when REDIS_URL is not set. */
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  API_KEYS: Type.Optional(Type.String()),
  RULES_DIR: Type.String({ minLength: 1, default: DEFAULT_RULES_DIR }),
  /** The learned scorer's folder (models/); policy.yaml's model section switches it on or off. */
  MODEL_DIR: Type.String({ minLength: 1, default: DEFAULT_MODEL_DIR }),
  /**
   * Worker threads that screen comments longer than one window (4,096 characters), so a
   * stream of long or hostile comments never holds up other requests; 0 screens them on
   * the main thread in slices. Each thread holds its own compiled copy of the rules.
   */
  SCREEN_THREADS: Type.Integer({ minimum: 0, maximum: 64, default: 1 }),
  /** Watch RULES_DIR and reload on change. */
  RULES_WATCH: Type.Boolean({ default: true }),
  /** Watch by polling (every 0.5 s) where the file system sends no events: Docker Desktop bind mounts, network shares. */
  RULES_WATCH_POLL: Type.Boolean({ default: false }),
  ACCEPT_EMPTY_STORE: Type.Boolean({ default: false }),
  /** Per site, where each decision is POSTed: "site=https://…,other=https://…". */
  WEBHOOKS: Type.Optional(Type.String()),
  /** Per site, the secrets that sign its webhooks: "site=secret|newer-secret,other=…". */
  WEBHOOK_SECRETS: Type.Optional(Type.String()),
  /** Allow webhook URLs on loopback and link-local addresses (tests, a receiver on the same host). */
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  /** The first retry of a failed delivery waits about this long; each later one twice as long (up to an hour). */
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 600000, default: 1000 }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 600 }),
  /** A duration in milliseconds, or text such as "1 minute". */
  RATE_LIMIT_WINDOW: Type.String({ pattern: '^(\\d+|\\d+(\\.\\d+)?\\s*(ms|s|m|h|d|second|seconds|minute|minutes|hour|hours|day|days))$', default: '1 minute' }),
  MAX_TEXT_LENGTH: Type.Integer({ minimum: 1, maximum: 1000000, default: 10000 }),
  /** Delivery attempts (expired leases) before a comment moves to the dead-letter lane. */
  MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /**
   * Days a decided comment (record, history) and its entry in the decisions feed are kept
   * in Redis; 0 keeps them forever. Comments waiting for review are never removed.
   */
  RETENTION_DAYS: Type.Number({ minimum: 0, maximum: 36500, default: 0 }),
  /** Grace period for in-flight requests on SIGTERM. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 10000 }),
  /** A client has this long to send a whole request, headers and body (slow clients). */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 30000 }),
  /** An idle keep-alive connection is closed after this. */
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 5000 })
})
type Env = Static<typeof EnvSchema>

export type Role = 'site' | 'moderator' | 'admin'

export interface ApiKey {
  role: Role
  /** A site key's name is its site id. */
  name: string
  secret: string
  /** A moderator key limited to these sites ("moderator:alice@site-a+site-b:secret"); absent: every site. */
  sites?: string[]
}

export interface Config {
  env: string
  port: number
  host: string
  redisUrl?: string
  /** REDIS_CLUSTER_NODES: seed nodes of a Redis Cluster; the queue then runs on the Cluster. */
  redisClusterNodes?: Array<{ host: string, port: number }>
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME: the primary is found through Sentinel. */
  redisSentinel?: { sentinels: Array<{ host: string, port: number }>, name: string }
  /** Replicas that must confirm a comment or decision before it is acknowledged (WAIT). */
  minReplicasAck: number
  redisPrefix: string
  redisTimeoutMs: number
  dataDir: string
  apiKeys: ApiKey[]
  /** True when no API_KEYS were given and the development keys are in use. */
  devKeys: boolean
  rulesDir: string
  modelDir: string
  screenThreads: number
  rulesWatch: boolean
  rulesWatchPoll: boolean
  /** Carry on by itself when Redis lost its data (logged), instead of waiting for an admin. */
  acceptEmptyStore: boolean
  /** Sites whose decisions are POSTed to a URL as they happen. */
  webhooks: Webhook[]
  webhookAllowPrivate: boolean
  webhookRetryBaseMs: number
  logLevel: string
  rateLimit: { max: number, timeWindow: number | string }
  maxTextLength: number
  maxAttempts: number
  /** How long decided comments are kept, in milliseconds; 0 = forever. */
  retentionMs: number
  shutdownTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
}

export interface Webhook {
  site: string
  url: URL
  /** Every one signs each delivery (a v1= each), so a site can rotate its secret. */
  secrets: string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Documented in the README; only ever used outside production, and announced loudly. */
export const DEVELOPMENT_KEYS: ApiKey[] = [
  { role: 'site', name: 'dev-site', secret: 'dev-site-key' },
  { role: 'moderator', name: 'dev-moderator', secret: 'dev-moderator-key' },
  { role: 'admin', name: 'dev-admin', secret: 'dev-admin-key' }
]

/** The NODE_ENV values (unset means development) under which the development keys may be used. */
const DEVELOPMENT_ENVS = ['development', 'test']
/** The name the automatic decider signs decisions with; no key may pose as it. */
const AUTOMATIC_DECIDER = 'moderato'

export function parseApiKeys (value: string): ApiKey[] {
  const keys: ApiKey[] = []
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [role, who, ...rest] = item.split(':')
    const secret = rest.join(':')
    const [name, scope] = who === undefined ? [] : who.split('@', 2)
    if (role !== 'site' && role !== 'moderator' && role !== 'admin') {
      throw new ConfigError(`API_KEYS: "${role ?? ''}" is not a role in "${role ?? ''}:${name ?? ''}:…" (use site, moderator or admin)`)
    }
    if (name === undefined || name === '' || secret === '') throw new ConfigError(`API_KEYS: each entry is role:name:secret; "${role}:${name ?? ''}:…" is incomplete`)
    if (secret.length < 8) throw new ConfigError(`API_KEYS: the secret of "${role}:${name}" is shorter than 8 characters`)
    if (/\s/.test(secret)) throw new ConfigError(`API_KEYS: the secret of "${role}:${name}" contains white space, which a Bearer token cannot carry; use a secret without spaces`)
    if (name.toLowerCase() === AUTOMATIC_DECIDER) throw new ConfigError(`API_KEYS: "${role}:${name}": the name "${AUTOMATIC_DECIDER}" is reserved for automatic decisions; choose another name`)
    if (keys.some((k) => k.secret === secret)) throw new ConfigError(`API_KEYS: the secret of "${role}:${name}" is used twice`)
    if (role === 'site' && !SITE_ID.test(name)) throw new ConfigError(`API_KEYS: "site:${name}": a site key's name is its site id: 1 to 64 letters, digits, ".", "_" or "-"`)
    const sites = scope?.split('+')
    if (sites !== undefined) {
      if (role !== 'moderator') throw new ConfigError(`API_KEYS: "${role}:${who}": only moderator keys can be limited to sites ("moderator:name@site-a+site-b:secret")`)
      const bad = sites.find((s) => !SITE_ID.test(s))
      if (bad !== undefined) throw new ConfigError(`API_KEYS: "${role}:${who}": "${bad}" is not a site id; list sites as name@site-a+site-b`)
    }
    keys.push({ role, name, secret, ...(sites !== undefined ? { sites } : {}) })
  }
  return keys
}

/** Comma-separated "site=value" pairs (WEBHOOKS, WEBHOOK_SECRETS) as a map; `name` for messages. */
function sitePairs (name: string, value: string | undefined): Map<string, string> {
  const pairs = new Map<string, string>()
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = item.indexOf('=')
    if (i <= 0) throw new ConfigError(`${name}: each entry is site=value; "${item.slice(0, 40)}" has no "site="`)
    pairs.set(item.slice(0, i).trim(), item.slice(i + 1).trim())
  }
  return pairs
}

/** WEBHOOKS and WEBHOOK_SECRETS: a URL and at least one secret per site, for sites that have a key. */
export function parseWebhooks (urls: string | undefined, secrets: string | undefined, siteIds: string[]): Webhook[] {
  const bySite = sitePairs('WEBHOOK_SECRETS', secrets)
  const hooks: Webhook[] = []
  for (const [site, value] of sitePairs('WEBHOOKS', urls)) {
    if (!siteIds.includes(site)) throw new ConfigError(`WEBHOOKS: "${site}" is not a site with a key in API_KEYS (sites: ${siteIds.join(', ') || 'none'})`)
    let url: URL
    try { url = new URL(value) } catch { throw new ConfigError(`WEBHOOKS: the URL of "${site}" is not a URL: ${value}`) }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`WEBHOOKS: the URL of "${site}" must be http:// or https://`)
    if (url.username !== '' || url.password !== '') throw new ConfigError(`WEBHOOKS: the URL of "${site}" carries a user name or password; the signature authenticates deliveries`)
    const list = (bySite.get(site) ?? '').split('|').map((s) => s.trim()).filter(Boolean)
    if (list.length === 0) throw new ConfigError(`WEBHOOK_SECRETS: "${site}" has a webhook but no secret to sign it with; add ${site}=<secret>`)
    const weak = list.find((s) => s.length < 16 || /\s/.test(s))
    if (weak !== undefined) throw new ConfigError(`WEBHOOK_SECRETS: a secret of "${site}" is shorter than 16 characters or contains white space`)
    hooks.push({ site, url, secrets: list })
  }
  const orphan = [...bySite.keys()].find((site) => !hooks.some((h) => h.site === site))
  if (orphan !== undefined) throw new ConfigError(`WEBHOOK_SECRETS: "${orphan}" has a secret but no URL in WEBHOOKS`)
  return hooks
}

/** "host:port, host:port" as a list (REDIS_CLUSTER_NODES, REDIS_SENTINELS; the schema checked the form). */
function hostPorts (value: string | undefined): Array<{ host: string, port: number }> {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((hp) => {
    const i = hp.lastIndexOf(':')
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) }
  })
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  let e: Env
  try {
    // env-schema validates with ajv and coerces "3000" to 3000; its message names the variable.
    e = envSchema<Env>({ schema: EnvSchema, data: env, dotenv: false })
  } catch (err) {
    // Ajv's errors, in words: the variable and its allowed values.
    const errors = (err as { errors?: Parameters<typeof validationMessage>[0] }).errors
    const message = errors !== undefined ? validationMessage(errors, 'env') : (err as Error).message
    throw new ConfigError(`invalid configuration: ${message.replace(/\benv\//g, '')}`)
  }
  const clusterNodes = hostPorts(e.REDIS_CLUSTER_NODES)
  const sentinels = hostPorts(e.REDIS_SENTINELS)
  const stores = [e.REDIS_URL !== undefined && e.REDIS_URL !== '' && 'REDIS_URL', clusterNodes.length > 0 && 'REDIS_CLUSTER_NODES', sentinels.length > 0 && 'REDIS_SENTINELS'].filter(Boolean)
  if (stores.length > 1) throw new ConfigError(`set one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS, not ${stores.join(' and ')}`)
  if (e.REDIS_MIN_REPLICAS_ACK > 0 && clusterNodes.length > 0) throw new ConfigError('REDIS_MIN_REPLICAS_ACK is not supported on a Redis Cluster yet (WAIT must reach the primary of each site\'s slot); use Sentinel, or leave it at 0')
  const given = e.API_KEYS !== undefined && e.API_KEYS.trim() !== '' ? parseApiKeys(e.API_KEYS) : []
  // The development keys are published in the README: only a development or test process may
  // fall back on them. Anything else ("production", "prod", "Production", "staging") needs keys.
  if (given.length === 0 && !DEVELOPMENT_ENVS.includes(e.NODE_ENV)) {
    throw new ConfigError(`API_KEYS: required unless NODE_ENV is ${DEVELOPMENT_ENVS.join(' or ')} (it is "${e.NODE_ENV}"); give comma-separated role:name:secret entries`)
  }
  const apiKeys = given.length > 0 ? given : DEVELOPMENT_KEYS
  const webhooks = parseWebhooks(e.WEBHOOKS, e.WEBHOOK_SECRETS, apiKeys.filter((k) => k.role === 'site').map((k) => k.name))
  const window = /^\d+$/.test(e.RATE_LIMIT_WINDOW) ? Number(e.RATE_LIMIT_WINDOW) : e.RATE_LIMIT_WINDOW
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    ...(e.REDIS_URL !== undefined && e.REDIS_URL !== '' ? { redisUrl: e.REDIS_URL } : {}),
    ...(clusterNodes.length > 0 ? { redisClusterNodes: clusterNodes } : {}),
    ...(sentinels.length > 0 ? { redisSentinel: { sentinels, name: e.REDIS_SENTINEL_NAME } } : {}),
    minReplicasAck: e.REDIS_MIN_REPLICAS_ACK,
    redisPrefix: e.REDIS_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    dataDir: e.DATA_DIR,
    apiKeys,
    devKeys: given.length === 0,
    rulesDir: e.RULES_DIR,
    modelDir: e.MODEL_DIR,
    screenThreads: e.SCREEN_THREADS,
    rulesWatch: e.RULES_WATCH,
    rulesWatchPoll: e.RULES_WATCH_POLL,
    acceptEmptyStore: e.ACCEPT_EMPTY_STORE,
    webhooks,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    logLevel: e.LOG_LEVEL,
    rateLimit: { max: e.RATE_LIMIT_MAX, timeWindow: window },
    maxTextLength: e.MAX_TEXT_LENGTH,
    maxAttempts: e.MAX_ATTEMPTS,
    retentionMs: Math.round(e.RETENTION_DAYS * 86400000),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS
  }
}
