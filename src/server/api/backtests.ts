/** Stored backtest runs: a list with their key metrics, and one run with its trades and equity curve. */
import type { FastifyInstance } from 'fastify';
import { TIMEFRAME_NAMES } from '../../core/time.js';
import type { ServerContext } from '../context.js';
import { anyObject, errorSchema, int, num, numOrNull, page, pagingQuery, str, strategyParam, strOrNull, symbolParam } from './schemas.js';

const runItem = {
  type: 'object',
  properties: {
    id: str,
    created_at: num,
    strategy: str,
    params: anyObject,
    symbols: { type: 'array', items: str },
    timeframe: str,
    from: numOrNull,
    to: numOrNull,
    status: str,
    metrics: { type: ['object', 'null'], additionalProperties: true },
    error: strOrNull,
  },
};

const tradeItem = {
  type: 'object',
  properties: {
    symbol: str,
    side: str,
    entry_ts: num,
    entry_price: num,
    exit_ts: numOrNull,
    exit_price: numOrNull,
    quantity: num,
    pnl: numOrNull,
    fees: num,
    exit_reason: strOrNull,
  },
};

/** At most `points` points, evenly spaced, always keeping the last one. */
export function thin<T>(xs: T[], points: number): T[] {
  if (xs.length <= points) return xs;
  const step = xs.length / points;
  const out: T[] = [];
  for (let i = 0; i < points - 1; i++) out.push(xs[Math.floor(i * step)]);
  out.push(xs[xs.length - 1]);
  return out;
}

export function backtestRoutes(ctx: ServerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { limit: number; offset: number; strategy?: string; symbol?: string; timeframe?: string } }>(
      '/backtests',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Stored backtest runs with their metrics, newest first',
          tags: ['backtests'],
          querystring: pagingQuery({ strategy: strategyParam, symbol: symbolParam, timeframe: { type: 'string', enum: TIMEFRAME_NAMES } }, { time: false }),
          response: { 200: page(runItem) },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await ctx.repo.backtestRuns({ strategy: q.strategy, symbol: q.symbol?.toUpperCase(), timeframe: q.timeframe, limit: q.limit, offset: q.offset });
        return { ...res, limit: q.limit, offset: q.offset };
      },
    );

    app.get<{ Params: { id: string }; Querystring: { trades: number; points: number } }>(
      '/backtests/:id',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'One backtest run: metrics, trades and the equity curve',
          tags: ['backtests'],
          params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } }, required: ['id'] },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              trades: { type: 'integer', minimum: 0, maximum: 10_000, default: 1000, description: 'trades to return (first N)' },
              points: { type: 'integer', minimum: 2, maximum: 20_000, default: 2000, description: 'equity curve points (evenly thinned)' },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                ...runItem.properties,
                trade_count: int,
                trades: { type: 'array', items: tradeItem },
                equity: { type: 'array', items: { type: 'array', items: num } },
              },
            },
            404: errorSchema,
          },
        },
      },
      async (req, reply) => {
        const run = await ctx.repo.backtestRun(req.params.id);
        if (!run) return reply.code(404).send({ error: 'not_found', message: `no backtest run with id "${req.params.id}"` });
        const [trades, tradeCount, equity] = await Promise.all([
          ctx.repo.backtestTrades(run.id, req.query.trades),
          ctx.repo.backtestTradeCount(run.id),
          ctx.repo.backtestEquity(run.id),
        ]);
        return { ...run, trade_count: tradeCount, trades, equity: thin(equity, req.query.points) };
      },
    );
  };
}
