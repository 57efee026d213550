/** Market-data routes: candles, macro observations and the state of each source. */
import type { FastifyInstance } from 'fastify';
import { scrub } from '../../config/index.js';
import { type Timeframe, TIMEFRAME_NAMES, utcDay } from '../../core/time.js';
import type { ServerContext } from '../context.js';
import { SOURCE_NAMES, type SourceFacts } from '../providers.js';
import { int, numOrNull, num, page, pagingQuery, type PagingInput, str, strOrNull, symbolParam, timeRange } from './schemas.js';

const candleItem = {
  type: 'object',
  properties: { ts: num, open: num, high: num, low: num, close: num, volume: num },
};

const sourceItem = {
  type: 'object',
  properties: {
    name: str,
    configured: { type: 'boolean' },
    base_url: str,
    has_api_key: { type: 'boolean' },
    plan: strOrNull,
    limit_per_minute: num,
    safety_fraction: num,
    breaker: strOrNull,
    last_success: numOrNull,
    last_error: { type: ['object', 'null'], properties: { ts: num, message: str } },
    calls_24h: int,
    errors_24h: int,
    weight_24h: num,
    avg_latency_ms_24h: num,
    calls_today: int,
  },
};

/** A base URL without any user:password part, so proxies with credentials never show. */
function publicUrl(u: string): string {
  try {
    const p = new URL(u);
    p.username = '';
    p.password = '';
    return p.toString().replace(/\/$/, '');
  } catch {
    return '***';
  }
}

export function marketRoutes(ctx: ServerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PagingInput & { symbol: string; timeframe: Timeframe; source?: string; order: 'asc' | 'desc' } }>(
      '/candles',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Candles of one symbol and timeframe (newest first unless order=asc)',
          tags: ['market'],
          querystring: pagingQuery(
            {
              symbol: symbolParam,
              timeframe: { type: 'string', enum: TIMEFRAME_NAMES },
              source: { type: 'string', pattern: '^[a-z0-9-]+$' },
              order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
            },
            { maxLimit: 5000, defaultLimit: 500, required: ['symbol', 'timeframe'] },
          ),
          response: { 200: page(candleItem, { symbol: str, timeframe: str }) },
        },
      },
      async (req) => {
        const q = req.query;
        const range = timeRange(q);
        const res = await ctx.repo.candlePage({ symbol: q.symbol.toUpperCase(), timeframe: q.timeframe, source: q.source, ...range, order: q.order, limit: q.limit, offset: q.offset });
        return { ...res, limit: q.limit, offset: q.offset, symbol: q.symbol.toUpperCase(), timeframe: q.timeframe };
      },
    );

    app.get<{ Querystring: PagingInput & { series?: string } }>(
      '/macro',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Macro observations (FRED), newest first; value null = missing that day',
          tags: ['market'],
          querystring: pagingQuery({ series: { type: 'string', pattern: '^[A-Z0-9]+$', description: 'FRED series id, e.g. VIXCLS' } }),
          response: { 200: page({ type: 'object', properties: { series: str, date: num, value: numOrNull, source: str } }) },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await ctx.repo.macroPage({ series: q.series, ...timeRange(q), limit: q.limit, offset: q.offset });
        return { ...res, limit: q.limit, offset: q.offset };
      },
    );

    app.get<{ Querystring: { limit: number; offset: number } }>(
      '/sources',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Each source: configuration (no secrets), breaker, last success and error, calls in the last 24 h; stored series',
          tags: ['market'],
          querystring: pagingQuery({}, { time: false }),
          response: {
            200: page(sourceItem, {
              series: { type: 'array', items: { type: 'object', properties: { source: str, symbol: str, timeframe: str, count: int, first: num, last: num } } },
              macro: { type: 'array', items: { type: 'object', properties: { series: str, count: int, first: num, last: num } } },
            }),
          },
        },
      },
      async (req) => {
        const now = ctx.clock.now();
        const stats = new Map((await ctx.store.ops.apiCallStats(now - 86_400_000)).map((s) => [s.source, s]));
        const today = await ctx.repo.callsSince(utcDay(now));
        const activity = new Map((await ctx.repo.sourceActivity()).map((a) => [a.source, a]));
        let facts: Partial<Record<string, SourceFacts>> = {};
        if (ctx.providers.sources) facts = await Promise.resolve(ctx.providers.sources()).catch(() => ({}));
        const s = ctx.config.sources;
        const settings = {
          binance: { baseUrl: s.binance.baseUrl, key: false, plan: null, limit: s.binance.weightPerMinute, safety: s.binance.safetyFraction, configured: true },
          coingecko: { baseUrl: s.coingecko.baseUrl, key: !!s.coingecko.apiKey, plan: s.coingecko.plan, limit: s.coingecko.callsPerMinute, safety: s.coingecko.safetyFraction, configured: true },
          fred: { baseUrl: s.fred.baseUrl, key: !!s.fred.apiKey, plan: null, limit: s.fred.callsPerMinute, safety: s.fred.safetyFraction, configured: !!s.fred.apiKey },
        };
        const all = SOURCE_NAMES.map((name) => {
          const cfg = settings[name];
          const st = stats.get(name);
          const f = facts[name];
          const a = activity.get(name);
          const lastError = f?.lastError
            ? { ts: f.lastError.ts, message: scrub(f.lastError.message, ctx.secrets) }
            : a?.lastError
              ? { ts: a.lastError.ts, message: scrub(`${a.lastError.endpoint}: ${a.lastError.error ?? `HTTP ${a.lastError.status}`}`, ctx.secrets) }
              : null;
          return {
            name,
            configured: cfg.configured,
            base_url: publicUrl(cfg.baseUrl),
            has_api_key: cfg.key,
            plan: cfg.plan,
            limit_per_minute: cfg.limit,
            safety_fraction: cfg.safety,
            breaker: f?.breaker ?? null,
            last_success: f ? (f.lastSuccess ?? null) : (a?.lastSuccess ?? null),
            last_error: lastError,
            calls_24h: st?.calls ?? 0,
            errors_24h: st?.errors ?? 0,
            weight_24h: st?.weight ?? 0,
            avg_latency_ms_24h: Math.round((st?.avgLatencyMs ?? 0) * 10) / 10,
            calls_today: today.get(name) ?? 0,
          };
        });
        const { limit, offset } = req.query;
        return {
          items: all.slice(offset, offset + limit),
          total: all.length,
          limit,
          offset,
          series: await ctx.store.candles.series(),
          macro: await ctx.store.macro.series(),
        };
      },
    );
  };
}
