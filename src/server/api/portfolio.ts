/** The paper portfolio: summary with equity curve, open positions marked to the latest stored price, closed trades. */
import type { FastifyInstance } from 'fastify';
import type { PaperPositionRow } from '../../storage/repos/dashboard.js';
import type { ServerContext } from '../context.js';
import { int, num, numOrNull, page, pagingQuery, type PagingInput, str, strOrNull, symbolParam, timeRange } from './schemas.js';

const positionItem = {
  type: 'object',
  properties: {
    symbol: str,
    side: str,
    quantity: num,
    avg_price: num,
    entry_ts: num,
    stop_loss: numOrNull,
    take_profit: numOrNull,
    strategy: strOrNull,
    alert_id: strOrNull,
    fees: num,
    market_price: numOrNull,
    market_ts: numOrNull,
    market_value: numOrNull,
    unrealized_pnl: numOrNull,
  },
};

const tradeItem = {
  type: 'object',
  properties: {
    id: int,
    symbol: str,
    side: str,
    entry_ts: num,
    entry_price: num,
    exit_ts: num,
    exit_price: num,
    quantity: num,
    pnl: num,
    fees: num,
    exit_reason: str,
    alert_id: strOrNull,
  },
};

const portfolioSchema = {
  type: 'object',
  properties: {
    active: { type: 'boolean' },
    cash: numOrNull,
    initial_cash: numOrNull,
    equity: numOrNull,
    equity_ts: numOrNull,
    realized_pnl: numOrNull,
    unrealized_pnl: numOrNull,
    fees: numOrNull,
    total_return: numOrNull,
    positions: int,
    trades: int,
    updated_at: numOrNull,
    equity_curve: { type: 'array', items: { type: 'object', properties: { ts: num, equity: num, cash: num } } },
  },
};

export function portfolioRoutes(ctx: ServerContext) {
  /** Marks a position at the newest stored candle close of its symbol (any timeframe). */
  const mark = async (p: PaperPositionRow) => {
    const stored = await ctx.store.candles.latest(p.symbol);
    const cached = ctx.prices ? await ctx.prices(p.symbol) : undefined;
    const latest = cached && (!stored || cached.ts > stored.ts) ? { close: cached.price, ts: cached.ts } : stored;
    const price = latest?.close ?? null;
    const sign = p.side === 'SHORT' ? -1 : 1;
    return {
      ...p,
      market_price: price,
      market_ts: latest?.ts ?? null,
      market_value: price === null ? null : price * p.quantity,
      unrealized_pnl: price === null ? null : (price - p.avg_price) * p.quantity * sign,
    };
  };

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { points: number } }>(
      '/portfolio',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'The paper portfolio: cash, equity (latest engine snapshot), P&L and the equity curve',
          tags: ['paper'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { points: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000, description: 'equity curve points (the most recent)' } },
          },
          response: { 200: portfolioSchema },
        },
      },
      async (req) => {
        const account = await ctx.repo.paperAccount();
        const curve = await ctx.repo.paperEquity(req.query.points);
        const positions = await ctx.repo.paperPositions({ limit: 1000, offset: 0 });
        const trades = await ctx.repo.paperTrades({ limit: 1, offset: 0 });
        if (!account) {
          return {
            active: false,
            cash: null,
            initial_cash: null,
            equity: null,
            equity_ts: null,
            realized_pnl: null,
            unrealized_pnl: null,
            fees: null,
            total_return: null,
            positions: positions.total,
            trades: trades.total,
            updated_at: null,
            equity_curve: curve,
          };
        }
        const marked = await Promise.all(positions.items.map(mark));
        const unrealized = marked.reduce((s, p) => s + (p.unrealized_pnl ?? 0), 0);
        const last = curve[curve.length - 1];
        const equity = last ? last.equity : account.cash;
        return {
          active: true,
          cash: account.cash,
          initial_cash: account.initial_cash,
          equity,
          equity_ts: last?.ts ?? account.updated_at,
          realized_pnl: account.realized_pnl,
          unrealized_pnl: unrealized,
          fees: account.fees,
          total_return: account.initial_cash > 0 ? equity / account.initial_cash - 1 : null,
          positions: positions.total,
          trades: trades.total,
          updated_at: account.updated_at,
          equity_curve: curve,
        };
      },
    );

    app.get<{ Querystring: { limit: number; offset: number; symbol?: string } }>(
      '/positions',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Open paper positions marked to the latest stored price',
          tags: ['paper'],
          querystring: pagingQuery({ symbol: symbolParam }, { time: false }),
          response: { 200: page(positionItem) },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await ctx.repo.paperPositions({ symbol: q.symbol?.toUpperCase(), limit: q.limit, offset: q.offset });
        return { items: await Promise.all(res.items.map(mark)), total: res.total, limit: q.limit, offset: q.offset };
      },
    );

    app.get<{ Querystring: PagingInput & { symbol?: string } }>(
      '/trades',
      {
        config: { role: 'viewer' },
        schema: {
          summary: 'Closed paper trades, newest exit first (from/to filter the exit time)',
          tags: ['paper'],
          querystring: pagingQuery({ symbol: symbolParam }),
          response: { 200: page(tradeItem) },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await ctx.repo.paperTrades({ symbol: q.symbol?.toUpperCase(), ...timeRange(q), limit: q.limit, offset: q.offset });
        return { ...res, limit: q.limit, offset: q.offset };
      },
    );
  };
}
