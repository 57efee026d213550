/** Signals and alerts (read), and the two routes that start work: collection and signal generation. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { scrub } from '../../config/index.js';
import { ErrorKind, MtsError } from '../../core/errors.js';
import { parseTime } from '../../core/time.js';
import type { ServerContext } from '../context.js';
import { SOURCE_NAMES } from '../providers.js';
import { serverMetrics } from '../metrics.js';
import { anyObject, num, numOrNull, page, pagingQuery, type PagingInput, str, strategyParam, strOrNull, symbolParam, timeRange } from './schemas.js';

const signalItem = {
  type: 'object',
  properties: {
    ts: num,
    strategy: str,
    symbol: str,
    side: str,
    confidence: num,
    strength: str,
    price: num,
    size: num,
    stop_loss: numOrNull,
    take_profit: numOrNull,
    meta: { type: ['object', 'null'], additionalProperties: true },
  },
};

const alertItem = {
  type: 'object',
  properties: {
    id: str,
    ts: num,
    symbol: str,
    asset: str,
    alert_type: str,
    signal_type: str,
    confidence: num,
    strategy_name: str,
    file: strOrNull,
    body: anyObject,
  },
};

const triggerResponse = { type: 'object', properties: { status: str, result: {} } };
const bodyLimit = 16 * 1024;

type FilterQuery = PagingInput & { symbol?: string; strategy?: string };

export function signalRoutes(ctx: ServerContext) {
  return async (app: FastifyInstance) => {
    const filters = pagingQuery({ symbol: symbolParam, strategy: strategyParam });

    app.get<{ Querystring: FilterQuery }>(
      '/signals',
      { config: { role: 'viewer' }, schema: { summary: 'Stored signals, newest first', tags: ['signals'], querystring: filters, response: { 200: page(signalItem) } } },
      async (req) => {
        const q = req.query;
        const res = await ctx.store.signals.listSignals({ symbol: q.symbol?.toUpperCase(), strategy: q.strategy, ...timeRange(q), limit: q.limit, offset: q.offset });
        return {
          total: res.total,
          limit: q.limit,
          offset: q.offset,
          items: res.items.map((s) => ({
            ts: s.ts,
            strategy: s.strategy,
            symbol: s.symbol,
            side: s.side,
            confidence: s.confidence,
            strength: s.strength,
            price: s.price,
            size: s.size,
            stop_loss: s.stopLoss,
            take_profit: s.takeProfit,
            meta: s.meta ?? null,
          })),
        };
      },
    );

    app.get<{ Querystring: FilterQuery }>(
      '/alerts',
      { config: { role: 'viewer' }, schema: { summary: 'Stored alerts (mts.alert/v1 bodies), newest first', tags: ['signals'], querystring: filters, response: { 200: page(alertItem) } } },
      async (req) => {
        const q = req.query;
        const res = await ctx.store.signals.listAlerts({ symbol: q.symbol?.toUpperCase(), strategy: q.strategy, ...timeRange(q), limit: q.limit, offset: q.offset });
        return { ...res, limit: q.limit, offset: q.offset };
      },
    );

    const run = async (reply: FastifyReply, kind: 'collect' | 'signals', work: (() => Promise<unknown>) | undefined) => {
      if (!work) {
        serverMetrics.triggers.inc({ kind, status: 'unavailable' });
        return reply.code(503).send({ error: 'unavailable', message: `no ${kind} handler is running in this process; use \`mts run\`, or \`mts ${kind}\` from the command line` });
      }
      try {
        const result = await work();
        serverMetrics.triggers.inc({ kind, status: 'done' });
        return reply.code(200).send({ status: 'done', result: result ?? null });
      } catch (err) {
        serverMetrics.triggers.inc({ kind, status: 'failed' });
        const message = scrub(err instanceof Error ? err.message : String(err), ctx.secrets);
        if (err instanceof MtsError && (err.kind === ErrorKind.Input || err.kind === ErrorKind.Config)) {
          return reply.code(400).send({ error: 'bad_request', code: err.code, message });
        }
        if (err instanceof MtsError && err.kind === ErrorKind.Retry) return reply.code(503).send({ error: 'unavailable', code: err.code, message });
        reply.log.error({ err: message }, `${kind} trigger failed`);
        return reply.code(500).send({ error: 'failed', message });
      }
    };

    /** A POST route that starts work (operator; the credential is checked before the body is read), small validated body. */
    const trigger = <B>(path: string, summary: string, properties: Record<string, unknown>, start: (body: B) => (() => Promise<unknown>) | undefined, kind: 'collect' | 'signals') =>
      app.post<{ Body: B | undefined }>(
        path,
        {
          bodyLimit,
          config: { role: 'operator' },
          schema: {
            summary,
            tags: ['actions'],
            security: [{ bearer: [] }],
            body: { type: ['object', 'null'], additionalProperties: false, properties },
            response: { 200: triggerResponse },
          },
        },
        async (req, reply) => run(reply, kind, start((req.body ?? {}) as B)),
      );

    trigger<{ source?: (typeof SOURCE_NAMES)[number] | 'all'; assets?: string[] }>(
      '/collect',
      'Run one collection pass now (operator)',
      {
        source: { type: 'string', enum: [...SOURCE_NAMES, 'all'], default: 'all' },
        assets: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9]+(/[A-Za-z0-9]+)?$' }, maxItems: 100 },
      },
      (body) => {
        const handler = ctx.triggers.collect;
        return handler && (() => handler({ source: body.source ?? 'all', assets: body.assets }));
      },
      'collect',
    );

    trigger<{ strategies?: string[]; at?: string }>(
      '/signals',
      'Generate and aggregate signals now, as of `at` (operator)',
      {
        strategies: { type: 'array', items: strategyParam, maxItems: 50 },
        at: { type: 'string', minLength: 1, description: 'epoch ms or ISO 8601; default now' },
      },
      (body) => {
        const handler = ctx.triggers.signals;
        if (!handler) return undefined;
        return () => handler({ strategies: body.strategies, at: body.at === undefined ? undefined : parseTime(body.at, 'at') });
      },
      'signals',
    );
  };
}
