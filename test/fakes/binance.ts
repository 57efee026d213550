import type { Candle } from '../../src/core/types.js';
import { exchangeInfo, fundingEvents, futuresExchangeInfo, realCandles as unshifted, shiftedCandles } from './data.js';
import type { FaultSettings } from './faults.js';
import { FakeServer, type Route } from './server.js';

const INTERVAL_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };
const fix = (n: number) => n.toFixed(8);

function bad(msg: string, code = -1121) {
  return { status: 400, body: { code, msg } };
}

/** Binance's kline array: prices as strings, as the real API sends them. */
function klineRow(c: Candle, step: number): unknown[] {
  return [c.ts, fix(c.open), fix(c.high), fix(c.low), fix(c.close), fix(c.volume), c.ts + step - 1, fix(c.volume * c.close), 1000, fix(c.volume / 2), fix((c.volume / 2) * c.close), '0'];
}

/** The candles /api/v3/klines answers: startTime/endTime inclusive on the open time, at most `limit`, oldest first. */
export function klinesWindow(candles: Candle[], q: Record<string, string>, now: number): Candle[] {
  const limit = Math.min(1000, Number(q.limit ?? 500));
  // The still-open candle (open time <= now) is served, as Binance does.
  const end = Math.min(q.endTime ? Number(q.endTime) : Number.MAX_SAFE_INTEGER, now);
  const visible = candles.filter((c) => c.ts <= end);
  if (q.startTime) {
    const start = Number(q.startTime);
    return visible.filter((c) => c.ts >= start).slice(0, limit);
  }
  return visible.slice(Math.max(0, visible.length - limit));
}

type CandleSource = (marketId: string, interval: string) => Candle[];

function lastCandles(realCandles: CandleSource, marketId: string, now: number, n: number): Candle[] {
  const all = realCandles(marketId, '1h').filter((c) => c.ts <= now);
  return all.slice(Math.max(0, all.length - n));
}

function ticker(realCandles: CandleSource, marketId: string, now: number) {
  const day = lastCandles(realCandles, marketId, now, 24);
  if (day.length === 0) return undefined;
  const first = day[0];
  const last = day[day.length - 1];
  const volume = day.reduce((s, c) => s + c.volume, 0);
  return {
    symbol: marketId,
    priceChange: fix(last.close - first.open),
    priceChangePercent: (((last.close - first.open) / first.open) * 100).toFixed(3),
    weightedAvgPrice: fix(day.reduce((s, c) => s + c.close * c.volume, 0) / (volume || 1)),
    prevClosePrice: fix(first.open),
    lastPrice: fix(last.close),
    lastQty: '0.10000000',
    bidPrice: fix(last.close * 0.9999),
    bidQty: '1.00000000',
    askPrice: fix(last.close * 1.0001),
    askQty: '1.00000000',
    openPrice: fix(first.open),
    highPrice: fix(Math.max(...day.map((c) => c.high))),
    lowPrice: fix(Math.min(...day.map((c) => c.low))),
    volume: fix(volume),
    quoteVolume: fix(volume * last.close),
    openTime: first.ts,
    closeTime: last.ts + 3_600_000 - 1,
    firstId: 1,
    lastId: 1000,
    count: 1000,
  };
}

function depth(realCandles: CandleSource, marketId: string, now: number, limit: number, futures: boolean) {
  const last = lastCandles(realCandles, marketId, now, 1)[0];
  if (!last) return undefined;
  const levels = (sign: number) => Array.from({ length: limit }, (_, i) => [fix(last.close * (1 + sign * (i + 1) * 1e-4)), fix(1 + ((i * 7) % 5))]);
  const book: Record<string, unknown> = { lastUpdateId: 1027024 + now, bids: levels(-1), asks: levels(1) };
  if (futures) Object.assign(book, { E: now, T: now });
  return book;
}

function depthWeight(limit: number, futures: boolean): number {
  if (futures) return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
  return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
}

function tickerSymbols(q: Record<string, string>): string[] | undefined {
  if (q.symbol) return [q.symbol];
  if (q.symbols) return JSON.parse(q.symbols) as string[];
  return undefined;
}

export interface FakeBinanceOptions {
  /** Serve the real data this many ms later in time (see shiftToNow). */
  shiftMs?: number;
  /** The fake's "now": candles opening after it are not served (default: wall clock). */
  now?: () => number;
  weightPerWindow?: number;
  windowMs?: number;
  faults?: FaultSettings;
  latencyMs?: number;
  /**
   * The USD-M depth snapshot of a market id (`GET /fapi/v1/depth`), e.g. from the fake WebSocket's book so that its
   * update ids continue the snapshot's; default: levels around the last real candle's close.
   */
  futuresDepth?: (marketId: string, limit: number) => Record<string, unknown> | undefined;
}

/** The USD-M perpetuals the fake lists: the default assets' USDT pairs. */
const PERPETUALS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'ADAUSDT', 'AVAXUSDT', 'DOTUSDT', 'LINKUSDT'];

/**
 * Fake Binance: spot /api/v3/{klines,exchangeInfo,ticker/24hr,depth} and USD-M /fapi/v1/{exchangeInfo,fundingRate,depth,
 * premiumIndex} over the real data, counting request weight per window with X-MBX-USED-WEIGHT-1M.
 */
export function fakeBinance(opts: FakeBinanceOptions = {}): FakeServer {
  const now = opts.now ?? (() => Date.now());
  const realCandles = (id: string, interval: string) => shiftedCandles(id, interval, opts.shiftMs ?? 0);
  const routes: Route[] = [
    {
      pattern: /^\/api\/v3\/klines$/,
      weight: () => 2,
      data: true,
      handle(q) {
        if (!q.symbol) return bad("Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.", -1102);
        const step = INTERVAL_MS[q.interval];
        if (!step) return bad('Invalid interval.', -1120);
        if (Number(q.limit ?? 500) > 1000) return bad('Invalid limit.', -1130);
        const rows = klinesWindow(realCandles(q.symbol, q.interval), q, now()).map((c) => klineRow(c, step));
        return { body: rows };
      },
    },
    { pattern: /^\/api\/v3\/exchangeInfo$/, weight: () => 20, handle: () => ({ body: exchangeInfo() }) },
    { pattern: /^\/api\/v3\/ping$/, weight: () => 1, handle: () => ({ body: {} }) },
    { pattern: /^\/api\/v3\/time$/, weight: () => 1, handle: () => ({ body: { serverTime: Date.now() } }) },
    {
      pattern: /^\/api\/v3\/ticker\/24hr$/,
      weight: (q) => {
        const n = tickerSymbols(q)?.length;
        return n === undefined ? 80 : n <= 20 ? 2 : n <= 100 ? 40 : 80;
      },
      handle(q) {
        const ids = tickerSymbols(q);
        if (q.symbol) {
          const t = ticker(realCandles, q.symbol, now());
          return t ? { body: t } : bad('Invalid symbol.');
        }
        const list = (ids ?? ['BTCUSDT', 'ETHUSDT']).map((id) => ticker(realCandles, id, now())).filter(Boolean);
        return { body: list };
      },
    },
    {
      pattern: /^\/api\/v3\/depth$/,
      weight: (q) => depthWeight(Number(q.limit ?? 100), false),
      handle(q) {
        const b = depth(realCandles, q.symbol, now(), Math.min(Number(q.limit ?? 100), 5000), false);
        return b ? { body: b } : bad('Invalid symbol.');
      },
    },
    {
      pattern: /^\/fapi\/v1\/depth$/,
      weight: (q) => depthWeight(Number(q.limit ?? 500), true),
      handle(q) {
        const limit = Math.min(Number(q.limit ?? 500), 1000);
        const b = opts.futuresDepth ? opts.futuresDepth(q.symbol, limit) : depth(realCandles, q.symbol, now(), limit, true);
        return b ? { body: b } : bad('Invalid symbol.');
      },
    },
    { pattern: /^\/fapi\/v1\/exchangeInfo$/, weight: () => 1, handle: () => ({ body: futuresExchangeInfo(PERPETUALS) }) },
    {
      pattern: /^\/fapi\/v1\/fundingRate$/,
      weight: () => 1,
      data: true,
      handle(q) {
        const limit = Math.min(1000, Number(q.limit ?? 100));
        const start = q.startTime ? Number(q.startTime) : 0;
        const end = q.endTime ? Number(q.endTime) : now();
        const events = q.symbol === 'BTCUSDT' ? fundingEvents().filter((e) => e.ts >= start && e.ts <= end) : [];
        const chosen = q.startTime ? events.slice(0, limit) : events.slice(Math.max(0, events.length - limit));
        const closes = new Map(unshifted('BTCUSDT', '1h').map((c) => [c.ts, c.close]));
        return {
          body: chosen.map((e) => ({
            symbol: q.symbol,
            fundingTime: e.ts,
            fundingRate: e.rate.toFixed(8),
            markPrice: fix(closes.get(Math.floor(e.ts / 3_600_000) * 3_600_000) ?? 0),
          })),
        };
      },
    },
    {
      pattern: /^\/fapi\/v1\/premiumIndex$/,
      weight: (q) => (q.symbol ? 1 : 10),
      handle(q) {
        const last = lastCandles(realCandles, q.symbol ?? 'BTCUSDT', now(), 1)[0];
        const lastRate = fundingEvents().filter((e) => e.ts <= now()).pop()?.rate ?? 0.0001;
        const t = now();
        return {
          body: {
            symbol: q.symbol ?? 'BTCUSDT',
            markPrice: fix(last?.close ?? 0),
            indexPrice: fix(last?.close ?? 0),
            estimatedSettlePrice: fix(last?.close ?? 0),
            lastFundingRate: lastRate.toFixed(8),
            nextFundingTime: Math.ceil(t / 28_800_000) * 28_800_000,
            interestRate: '0.00010000',
            time: t,
          },
        };
      },
    },
  ];
  return new FakeServer(routes, {
    limit: opts.weightPerWindow ?? 6000,
    windowMs: opts.windowMs ?? 60_000,
    faults: opts.faults,
    latencyMs: opts.latencyMs,
    usedWeightHeader: 'x-mbx-used-weight-1m',
  });
}
