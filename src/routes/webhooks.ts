// Webhook delivery in this process (src/webhooks/deliverer.ts): started with the app,
// stopped with it; its figures in /metrics; and the admins' view of each site's webhook.
import { Type } from 'typebox'
import { Counter, Gauge } from 'prom-client'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../http/error-schema.js'
import { WebhookDeliverer } from '../webhooks/deliverer.js'

const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, queue } = app
  const registers = [app.metrics.registry]
  const deliveries = new Counter({ name: 'moderato_webhook_deliveries_total', help: 'Webhook tries by result: delivered (2xx), failed (other status, network error, timeout; tried again), gone (410: delivery to that URL stops), refused (a loopback or link-local target), expired (given up after 24 h)', labelNames: ['result'] as const, registers })
  const deliverer = new WebhookDeliverer(queue, app.rules, config.webhooks, {
    allowPrivate: config.webhookAllowPrivate,
    retryBaseMs: config.webhookRetryBaseMs,
    log: app.log,
    onResult: (result) => deliveries.inc({ result })
  })
  const figures = async () => await Promise.all(config.webhooks.map(async (h) => {
    const site = queue.site(h.site)
    const [{ depth, oldest }, gone] = await Promise.all([site.outboxFigures(), site.webhookGone()])
    return { site: h.site, url: h.url.href, depth, oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)), stopped: gone !== undefined && gone.url === h.url.href ? { reason: 'gone' as const, at: new Date(gone.at).toISOString() } : null }
  }))
  if (config.webhooks.length > 0) {
    // Read when scraped, like the queue figures.
    const gauge = (name: string, help: string, value: (f: Awaited<ReturnType<typeof figures>>[number]) => number | null): Gauge<'site'> => {
      const g: Gauge<'site'> = new Gauge({
        name, help, labelNames: ['site'] as const, registers,
        collect: async () => {
          g.reset()
          for (const f of await figures().catch(() => [])) {
            const v = value(f)
            if (v !== null) g.set({ site: f.site }, v)
          }
        }
      })
      return g
    }
    gauge('moderato_webhook_outbox_depth', "Decisions waiting to be delivered to the site's webhook", (f) => f.depth)
    gauge('moderato_webhook_oldest_undelivered_seconds', "Age of the oldest decision not yet delivered to the site's webhook", (f) => f.oldestAgeSeconds)
  }
  app.addHook('onReady', async () => { deliverer.start() })
  app.addHook('onClose', async () => { await deliverer.stop() })

  app.get('/v1/webhooks/status', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['ops'],
      summary: "Each site's webhook: URL, undelivered decisions, oldest age, whether delivery stopped; this process's delivery counts",
      response: {
        200: Type.Object({
          webhooks: Type.Array(Type.Object({
            site: Type.String(),
            url: Type.String(),
            depth: Type.Integer({ description: 'Decisions not yet delivered' }),
            oldestAgeSeconds: Type.Union([Type.Integer(), Type.Null()]),
            stopped: Type.Union([Type.Object({ reason: Type.Literal('gone'), at: Type.String({ format: 'date-time' }) }), Type.Null()], { description: 'The URL answered 410 Gone: nothing more is sent to it; configure another URL to resume' })
          })),
          deliveries: Type.Object({ delivered: Type.Integer(), failed: Type.Integer(), gone: Type.Integer(), refused: Type.Integer(), expired: Type.Integer() }, { description: 'Tries by this process since it started' })
        }),
        ...errorResponses(401, 403, 429, 503)
      }
    }
  }, async () => ({ webhooks: await figures(), deliveries: deliverer.counts }))
}

export default webhookRoutes
