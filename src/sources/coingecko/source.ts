import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { assetByCoingeckoId, coingeckoIdOf, normalizeSymbol } from '../../core/assets.js';
import { GiveUpError } from '../../core/errors.js';
import { DAY_MS, type Timeframe, timeframeMs } from '../../core/time.js';
import type { Candle } from '../../core/types.js';
import type { SourceClient } from '../http/client.js';
import { coingeckoAccess } from '../http/stack.js';
import type { PriceQuote } from '../types.js';
import { candlesFromOhlc, candlesFromPrices, ohlcDaysFor } from './ohlc.js';

const marketRow = z.looseObject({
  id: z.string(),
  current_price: z.number().nullable(),
  total_volume: z.number().nullable().optional(),
  price_change_percentage_24h: z.number().nullable().optional(),
  last_updated: z.string().nullable().optional(),
});
const markets = z.array(marketRow);
const simplePrice = z.record(z.string(), z.looseObject({ usd: z.number().optional(), usd_24h_vol: z.number().optional(), usd_24h_change: z.number().optional() }));
const ohlcRows = z.array(z.array(z.number()).min(5));
const chart = z.looseObject({ prices: z.array(z.array(z.number()).min(2)) });

function idOf(symbol: string): string {
  const id = coingeckoIdOf(symbol);
  if (!id) throw new GiveUpError('E_COINGECKO_ID', `coingecko: no CoinGecko id known for ${symbol}`);
  return id;
}

/** CoinGecko: all assets' market data in one call, OHLC (fallback candles), simple prices, price history. */
export class CoinGeckoSource {
  readonly name = 'coingecko';
  private readonly base: string;

  constructor(
    config: Config,
    readonly client: SourceClient,
    private readonly chunkDays = config.sources.coingecko.chunkDays,
  ) {
    this.base = coingeckoAccess(config).baseUrl;
  }

  private url(path: string, query: Record<string, string | number>): URL {
    const u = new URL(`${this.base}${path}`);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    return u;
  }

  /** `/coins/markets` for every symbol in one call. */
  async markets(symbols: readonly string[], now: number): Promise<PriceQuote[]> {
    const ids = symbols.map(idOf);
    const rows = await this.client.getJson(this.url('/coins/markets', { vs_currency: 'usd', ids: ids.join(','), per_page: 250, page: 1 }), { endpoint: '/coins/markets' }, (b) => markets.parse(b));
    return rows.flatMap((r) => {
      const asset = assetByCoingeckoId(r.id);
      if (!asset || r.current_price === null) return [];
      const ts = r.last_updated ? Date.parse(r.last_updated) : now;
      return [{ symbol: asset.symbol, ts: Number.isFinite(ts) ? ts : now, price: r.current_price, volume24h: r.total_volume ?? null, change24hPct: r.price_change_percentage_24h ?? null, source: 'coingecko' }];
    });
  }

  /** `/simple/price` in USD for several symbols. */
  async simplePrices(symbols: readonly string[], now: number): Promise<PriceQuote[]> {
    const ids = symbols.map(idOf);
    const body = await this.client.getJson(
      this.url('/simple/price', { ids: ids.join(','), vs_currencies: 'usd', include_24hr_vol: 'true', include_24hr_change: 'true' }),
      { endpoint: '/simple/price' },
      (b) => simplePrice.parse(b),
    );
    return symbols.flatMap((s, i) => {
      const p = body[ids[i]];
      if (p?.usd === undefined) return [];
      return [{ symbol: normalizeSymbol(s), ts: now, price: p.usd, volume24h: p.usd_24h_vol ?? null, change24hPct: p.usd_24h_change ?? null, source: 'coingecko' }];
    });
  }

  /** Recent candles from `/coins/{id}/ohlc` (the candle fallback); empty when the timeframe cannot be built. */
  async ohlcCandles(symbol: string, timeframe: Timeframe): Promise<Candle[]> {
    const days = ohlcDaysFor(timeframe);
    if (days === undefined) return [];
    const id = idOf(symbol);
    const rows = await this.client.getJson(this.url(`/coins/${id}/ohlc`, { vs_currency: 'usd', days }), { endpoint: '/coins/{id}/ohlc' }, (b) => ohlcRows.parse(b));
    return candlesFromOhlc(rows, timeframe);
  }

  /** Price points `[ms, usd]` in [from, to] from `/coins/{id}/market_chart/range`, in chunks of `chunkDays`. */
  async priceHistory(symbol: string, from: number, to: number): Promise<number[][]> {
    const id = idOf(symbol);
    const out: number[][] = [];
    for (let start = from; start < to; start += this.chunkDays * DAY_MS) {
      // Ranges up to 90 days come back hourly; longer ones only daily.
      const end = Math.min(to, start + this.chunkDays * DAY_MS);
      const body = await this.client.getJson(
        this.url(`/coins/${id}/market_chart/range`, { vs_currency: 'usd', from: Math.floor(start / 1000), to: Math.floor(end / 1000) }),
        { endpoint: '/coins/{id}/market_chart/range' },
        (b) => chart.parse(b),
      );
      for (const p of body.prices) if (!out.length || p[0] > out[out.length - 1][0]) out.push(p);
    }
    return out;
  }

  /**
   * Candles opening in [from, to] built from price history (for `mts backfill --source coingecko`): the points up
   * to one period after `to` are needed, since a candle's last point is stamped at its close.
   */
  async historyCandles(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<Candle[]> {
    const points = await this.priceHistory(symbol, from, to + timeframeMs(timeframe));
    return candlesFromPrices(points, timeframe).filter((c) => c.ts >= from && c.ts <= to);
  }

  async ping(): Promise<void> {
    await this.client.getJson(this.url('/ping', {}), { endpoint: '/ping' });
  }
}
