import t from 'tap'
import { loadConfig, parseApiKeys, DEVELOPMENT_KEYS } from '../src/config.js'

t.test('defaults', async (t) => {
  const c = loadConfig({})
  t.equal(c.port, 3000)
  t.equal(c.rulesDir, './rules')
  t.equal(c.maxTextLength, 10000)
  t.equal(c.retentionMs, 0, 'decided comments are kept forever unless RETENTION_DAYS says otherwise')
  t.equal(c.redisUrl, undefined, 'no REDIS_URL: the embedded redis-server is used')
  t.ok(c.devKeys, 'development keys when API_KEYS is empty')
  t.same(c.apiKeys, DEVELOPMENT_KEYS)
  t.equal(c.screenThreads, 1, 'one worker thread for long comments')
})

t.test('a bad value names the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ MAX_TEXT_LENGTH: '0' }, /MAX_TEXT_LENGTH/],
    [{ RATE_LIMIT_MAX: '-1' }, /RATE_LIMIT_MAX/],
    [{ RATE_LIMIT_WINDOW: 'soon' }, /RATE_LIMIT_WINDOW/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent/],
    [{ RETENTION_DAYS: '-1' }, /RETENTION_DAYS/],
    [{ SCREEN_THREADS: '-1' }, /SCREEN_THREADS/],
    [{ RETENTION_DAYS: 'a month' }, /RETENTION_DAYS/],
    [{ API_KEYS: 'site:rasa' }, /API_KEYS/],
    [{ API_KEYS: 'root:rasa:12345678' }, /API_KEYS: "root" is not a role/],
    [{ API_KEYS: 'site:rasa:short' }, /shorter than 8/],
    [{ API_KEYS: 'site:a:samesecret,moderator:b:samesecret' }, /used twice/],
    [{ API_KEYS: 'site:my site:12345678' }, /site key's name is its site id/],
    [{ API_KEYS: 'site:a{b}:12345678' }, /site key's name is its site id/],
    [{ API_KEYS: 'admin:ops@rasa:12345678' }, /only moderator keys can be limited/],
    [{ API_KEYS: 'moderator:sam@rasa+{x}:12345678' }, /"\{x\}" is not a site id/]
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env))
  }
})

t.test('only development and test may start without keys', async (t) => {
  for (const env of ['production', 'prod', 'Production', 'staging']) {
    t.throws(() => loadConfig({ NODE_ENV: env }), new RegExp(`API_KEYS: required unless NODE_ENV is development or test \\(it is "${env}"\\)`), env)
  }
  for (const env of [undefined, 'development', 'test']) {
    t.ok(loadConfig(env === undefined ? {} : { NODE_ENV: env }).devKeys, `${env ?? 'unset'}: the development keys`)
  }
  const c = loadConfig({ NODE_ENV: 'production', API_KEYS: 'site:rasa:s3cret-long' })
  t.notOk(c.devKeys)
})

t.test('API_KEYS refuses secrets with white space and keys posing as the automatic decider', async (t) => {
  t.throws(() => parseApiKeys('site:rasa:s3cret with space'), /contains white space/)
  t.throws(() => parseApiKeys('site:rasa:s3cret\tlong'), /contains white space/)
  t.throws(() => parseApiKeys('moderator:moderato:long-enough-secret'), /"moderato" is reserved/)
  t.throws(() => parseApiKeys('admin:Moderato:long-enough-secret'), /reserved/)
})

t.test('API_KEYS entries', async (t) => {
  t.same(parseApiKeys('site:rasa:s3cret-aa, moderator:alice:k1-secret:with:colons'), [
    { role: 'site', name: 'rasa', secret: 's3cret-aa' },
    { role: 'moderator', name: 'alice', secret: 'k1-secret:with:colons' }
  ], 'secrets may contain colons; spaces around entries are ignored')
})

t.test('numbers and durations', async (t) => {
  t.same(loadConfig({ RATE_LIMIT_WINDOW: '30000' }).rateLimit.timeWindow, 30000)
  t.same(loadConfig({ RATE_LIMIT_WINDOW: '10 seconds' }).rateLimit.timeWindow, '10 seconds')
  t.equal(loadConfig({ PORT: '8080', RULES_WATCH: 'false' }).port, 8080)
  t.equal(loadConfig({ RULES_WATCH: 'false' }).rulesWatch, false)
  t.equal(loadConfig({ SCREEN_THREADS: '0' }).screenThreads, 0, 'long comments on the main thread')
  t.equal(loadConfig({ RETENTION_DAYS: '30' }).retentionMs, 30 * 86400000)
  t.equal(loadConfig({ RETENTION_DAYS: '0.5' }).retentionMs, 43200000, 'fractions of a day')
})

t.test('a moderator key can be limited to sites; without a scope it sees every site', async (t) => {
  const config = loadConfig({ API_KEYS: 'moderator:sam@rasa+other:12345678,moderator:ann:87654321' })
  t.same(config.apiKeys.map((k) => [k.name, k.sites]), [['sam', ['rasa', 'other']], ['ann', undefined]])
})

t.test('one Redis topology at a time; WAIT is refused on a Cluster', async (t) => {
  t.throws(() => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }), { message: /REDIS_URL and REDIS_CLUSTER_NODES/ })
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }), { message: /REDIS_CLUSTER_NODES and REDIS_SENTINELS/ })
  t.throws(() => loadConfig({ REDIS_CLUSTER_NODES: 'b:2', REDIS_MIN_REPLICAS_ACK: '1' }), { message: /not supported on a Redis Cluster/ })
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'no-port' }), { message: /REDIS_SENTINELS/ })
  const c = loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380', REDIS_MIN_REPLICAS_ACK: '1' })
  t.same(c.redisSentinel, { sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }], name: 'mymaster' })
  t.equal(c.minReplicasAck, 1)
  t.same(loadConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' }).redisClusterNodes, [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }])
})
