/**
 * What MTS watches through ccxt.pro: closed klines of every scheduled Binance series at its timeframe, aggregate
 * trades (latest prices) and the top of book (`bookTicker`) on spot; for the high-frequency symbols' USD-M
 * perpetuals (those whose funding and order books the REST collection also keeps) the diff-depth order book and
 * `markPrice@1s` (mark price and the funding rate of the next funding time).
 *
 * The stream names listed here are the ones ccxt.pro subscribes to (`SUBSCRIBE` over `<base>/ws/<n>`): they are
 * shown in /health and used by the bench's bare client, not sent by the stream itself.
 */
import type { Config } from '../../config/schema.js';
import { exchangeId, normalizeSymbol } from '../../core/assets.js';
import type { Timeframe } from '../../core/time.js';

export type StreamMarket = 'spot' | 'futures';

/** A candle series the stream keeps stored (the same key the REST collection uses). */
export interface StreamSeries {
  symbol: string;
  timeframe: Timeframe;
}

export interface StreamPlan {
  series: StreamSeries[];
  /** Symbols whose prices and top of book are streamed (spot). */
  spotSymbols: string[];
  /** Symbols whose depth, mark price and funding are streamed (USD-M perpetuals), as spot symbols (`BTC/USDT`). */
  perpetuals: string[];
  /** Per market: the ccxt.pro base URL (`urls.api.ws.<type>`) and the Binance streams subscribed there. */
  connections: { market: StreamMarket; url: string; streams: string[] }[];
}

const lower = (symbol: string) => exchangeId(symbol).toLowerCase();

/** ccxt.pro's base URL of a configured stream host: `<host>/ws` (ccxt appends `/<n>`, or moves futures to /public, /market). */
export const wsBase = (host: string) => `${host.replace(/\/+$/, '')}/ws`;

/** The ccxt symbol of a symbol's USD-M perpetual (`BTC/USDT` → `BTC/USDT:USDT`). */
export const perpetualOf = (symbol: string) => `${symbol}:${symbol.split('/')[1]}`;

/** The streams of the scheduled Binance tiers (a tier on CoinGecko has no stream and stays on REST). */
export function streamPlan(config: Config): StreamPlan {
  const series: StreamSeries[] = [];
  const seen = new Set<string>();
  for (const tier of [config.tiers.highFrequency, config.tiers.hourly]) {
    if (tier.source !== 'binance') continue;
    for (const raw of tier.symbols) {
      const symbol = normalizeSymbol(raw);
      const key = `${symbol}:${tier.timeframe}`;
      if (seen.has(key)) continue;
      seen.add(key);
      series.push({ symbol, timeframe: tier.timeframe as Timeframe });
    }
  }
  const spotSymbols = [...new Set(series.map((s) => s.symbol))];
  const perpetuals = config.tiers.highFrequency.source === 'binance' ? [...new Set(config.tiers.highFrequency.symbols.map(normalizeSymbol))] : [];
  const spot = [
    ...series.map((s) => `${lower(s.symbol)}@kline_${s.timeframe}`),
    ...spotSymbols.flatMap((s) => [`${lower(s)}@aggTrade`, `${lower(s)}@bookTicker`]),
  ];
  const futures = perpetuals.flatMap((s) => [`${lower(s)}@depth@100ms`, `${lower(s)}@markPrice@1s`]);
  const b = config.sources.binance;
  const connections: StreamPlan['connections'] = [];
  if (spot.length) connections.push({ market: 'spot', url: wsBase(b.wsUrl), streams: spot });
  if (futures.length) connections.push({ market: 'futures', url: wsBase(b.futuresWsUrl), streams: futures });
  return { series, spotSymbols, perpetuals, connections };
}
