import { assetByCoingeckoId } from '../../src/core/assets.js';
import type { Candle } from '../../src/core/types.js';
import { sampleBody, shiftedCandles } from './data.js';
import type { FaultSettings } from './faults.js';
import { FakeServer, type Route } from './server.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

let shift = 0;

function candlesOf(id: string, interval: '1h' | '1d', now: number): Candle[] {
  const asset = assetByCoingeckoId(id);
  if (!asset) return [];
  // Only complete candles: CoinGecko's points are closes.
  const step = interval === '1h' ? HOUR : DAY;
  return shiftedCandles(asset.symbol.replace('/', ''), interval, shift).filter((c) => c.ts + step <= now);
}

/** OHLC rows `[closeTime, o, h, l, c]` at `stepMs`, built from 1h candles, over the last `days` days. */
function ohlcRows(id: string, days: number, now: number): number[][] {
  // Real CoinGecko: 30 min for 1–2 days, 4 h for 3–30 days, 4 days beyond. This data is hourly, so 1–2 days get 1 h.
  const step = days <= 2 ? HOUR : days <= 30 ? 4 * HOUR : 4 * DAY;
  const from = now - days * DAY;
  const groups = new Map<number, Candle[]>();
  for (const c of candlesOf(id, '1h', now)) {
    if (c.ts < from) continue;
    const g = Math.floor(c.ts / step) * step;
    const list = groups.get(g) ?? [];
    list.push(c);
    groups.set(g, list);
  }
  const rows: number[][] = [];
  for (const [g, list] of [...groups].sort((a, b) => a[0] - b[0])) {
    if (list.length !== step / HOUR) continue;
    rows.push([g + step, list[0].open, Math.max(...list.map((c) => c.high)), Math.min(...list.map((c) => c.low)), list[list.length - 1].close]);
  }
  return rows;
}

function lastPrice(id: string, now: number): { price: number; change: number; volume: number } | undefined {
  const hours = candlesOf(id, '1h', now);
  const day = hours.slice(Math.max(0, hours.length - 24));
  if (day.length === 0) return undefined;
  const price = day[day.length - 1].close;
  return { price, change: ((price - day[0].open) / day[0].open) * 100, volume: day.reduce((s, c) => s + c.volume * c.close, 0) };
}

export interface FakeCoinGeckoOptions {
  /** Serve the real data this many ms later in time (see shiftToNow); one setting per process. */
  shiftMs?: number;
  now?: () => number;
  callsPerWindow?: number;
  windowMs?: number;
  faults?: FaultSettings;
  /** When set, requests must carry this key in x-cg-demo-api-key or x-cg-pro-api-key. */
  apiKey?: string;
}

/** Fake CoinGecko: /ping, /coins/markets, /coins/{id}/ohlc, /simple/price, /coins/{id}/market_chart/range. */
export function fakeCoinGecko(opts: FakeCoinGeckoOptions = {}): FakeServer {
  const now = opts.now ?? (() => Date.now());
  shift = opts.shiftMs ?? 0;
  const template = sampleBody('coingecko', 'GetMarkets.txt')[0];
  const keyOk = (h: Record<string, unknown>) => !opts.apiKey || h['x-cg-demo-api-key'] === opts.apiKey || h['x-cg-pro-api-key'] === opts.apiKey;
  const denied = { status: 401, body: { status: { error_code: 10002, error_message: 'API Key Missing' } } };
  const ids = (q: Record<string, string>) => (q.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const routes: Route[] = [
    { pattern: /\/ping$/, handle: () => ({ body: { gecko_says: '(V3) To the Moon!' } }) },
    {
      pattern: /\/coins\/markets$/,
      handle(q, _m, h) {
        if (!keyOk(h)) return denied;
        const body = ids(q).flatMap((id) => {
          const p = lastPrice(id, now());
          const a = assetByCoingeckoId(id);
          if (!p || !a) return [];
          return [{ ...template, id, symbol: a.base.toLowerCase(), name: a.name, current_price: p.price, total_volume: p.volume, price_change_percentage_24h: p.change, last_updated: new Date(now()).toISOString() }];
        });
        return { body };
      },
    },
    {
      pattern: /\/simple\/price$/,
      handle(q, _m, h) {
        if (!keyOk(h)) return denied;
        const body: Record<string, Record<string, number>> = {};
        for (const id of ids(q)) {
          const p = lastPrice(id, now());
          if (p) body[id] = { usd: p.price, ...(q.include_24hr_vol === 'true' ? { usd_24h_vol: p.volume } : {}), ...(q.include_24hr_change === 'true' ? { usd_24h_change: p.change } : {}) };
        }
        return { body };
      },
    },
    {
      pattern: /\/coins\/([a-z0-9-]+)\/ohlc$/,
      data: true,
      handle(q, m, h) {
        if (!keyOk(h)) return denied;
        if (!assetByCoingeckoId(m[1])) return { status: 404, body: { error: 'coin not found' } };
        return { body: ohlcRows(m[1], Number(q.days ?? 1), now()) };
      },
    },
    {
      pattern: /\/coins\/([a-z0-9-]+)\/market_chart\/range$/,
      data: true,
      handle(q, m, h) {
        if (!keyOk(h)) return denied;
        if (!assetByCoingeckoId(m[1])) return { status: 404, body: { error: 'coin not found' } };
        const from = Number(q.from) * 1000;
        const to = Number(q.to) * 1000;
        // Hourly points for ranges up to 90 days, daily beyond (CoinGecko's automatic granularity).
        const hourly = to - from <= 90 * DAY;
        const step = hourly ? HOUR : DAY;
        const points = candlesOf(m[1], hourly ? '1h' : '1d', now())
          .map((c) => ({ t: c.ts + step, c }))
          .filter((p) => p.t >= from && p.t <= to);
        const prices = points.map((p) => [p.t, p.c.close]);
        return {
          body: { prices, market_caps: points.map((p) => [p.t, p.c.close * 19_000_000]), total_volumes: points.map((p) => [p.t, p.c.volume * p.c.close]) },
          rows: prices,
        };
      },
    },
  ];
  return new FakeServer(routes, { limit: opts.callsPerWindow ?? 30, windowMs: opts.windowMs ?? 60_000, faults: opts.faults });
}
