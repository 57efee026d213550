/**
 * GET /metrics: the shared registry (SPEC §12) plus the server's own request metrics. Gauges that describe stored
 * state (data age per item, paper equity, calls today, circuit states from a provider) are refreshed at scrape time.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { metrics, registry } from '../core/metrics.js';
import { utcDay } from '../core/time.js';
import type { ServerContext } from './context.js';
import { dataFreshness } from './freshness.js';
import { SOURCE_NAMES } from './providers.js';

export const serverMetrics = {
  httpRequests: new Counter({
    name: 'mts_http_requests_total',
    help: 'HTTP requests served per route, method and status code',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  }),
  httpDuration: new Histogram({
    name: 'mts_http_request_duration_seconds',
    help: 'HTTP request duration per route',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  triggers: new Counter({
    name: 'mts_api_triggers_total',
    help: 'Work started through POST /api/v1/collect and /api/v1/signals, per kind and outcome',
    labelNames: ['kind', 'status'],
    registers: [registry],
  }),
};

const breakerValue = { closed: 0, half_open: 1, open: 2 } as const;

/** Brings the storage-derived gauges up to date; each part fails alone (logged) so a scrape always answers. */
export async function refreshStoredGauges(ctx: ServerContext, log: FastifyInstance['log']): Promise<void> {
  const now = ctx.clock.now();
  try {
    const items = await dataFreshness(ctx.store, ctx.repo, ctx.config, now);
    metrics.dataFreshness.reset();
    for (const f of items) if (f.ageMs !== null) metrics.dataFreshness.set({ item: f.item }, f.ageMs / 1000);
  } catch (err) {
    log.warn({ err: String(err) }, 'metrics: data age unavailable');
  }
  try {
    const [last] = (await ctx.repo.paperEquity(1)).slice(-1);
    if (last) metrics.paperEquity.set(last.equity);
  } catch (err) {
    log.warn({ err: String(err) }, 'metrics: paper equity unavailable');
  }
  try {
    const today = await ctx.repo.callsSince(utcDay(now));
    for (const name of SOURCE_NAMES) metrics.budgetCalls.set({ source: name }, today.get(name) ?? 0);
  } catch (err) {
    log.warn({ err: String(err) }, 'metrics: call budget unavailable');
  }
  if (ctx.providers.sources) {
    try {
      const facts = await ctx.providers.sources();
      for (const [name, f] of Object.entries(facts)) if (f) metrics.circuitState.set({ source: name }, breakerValue[f.breaker]);
    } catch (err) {
      log.warn({ err: String(err) }, 'metrics: source states unavailable');
    }
  }
}

export function metricsRoute(ctx: ServerContext) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['monitoring'], produces: ['text/plain'] } }, async (_req, reply) => {
      await refreshStoredGauges(ctx, app.log);
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    });
  };
}

/** Counts every request by its route pattern (not the raw URL, to keep label cardinality low). */
export function requestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    serverMetrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    serverMetrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });
}
