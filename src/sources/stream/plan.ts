/**
 * Which Binance streams MTS subscribes to, as combined-stream URLs (`<base>/stream?streams=a/b/c`): every stream
 * of a market over one connection, so the whole schedule needs two sockets (spot and USD-M futures).
 *
 * Spot: closed klines of every scheduled Binance series at its timeframe, aggregate trades (latest prices) and the
 * top of book (`bookTicker`). USD-M futures, for the high-frequency symbols (those whose funding and order books the
 * REST collection also keeps): partial-depth snapshots (`depth<N>@500ms`, Binance's `depthUpdate` event carrying the
 * top N levels) and `markPrice@1s` (`markPriceUpdate`: mark price and the funding rate of the next funding time).
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
  /** Symbols whose depth, mark price and funding are streamed (USD-M perpetuals). */
  perpetuals: string[];
  /** Levels per depth snapshot (Binance's partial depth streams offer 5, 10 or 20). */
  depthLevels: 5 | 10 | 20;
  connections: { market: StreamMarket; url: string; streams: string[] }[];
}

const lower = (symbol: string) => exchangeId(symbol).toLowerCase();

export function depthLevelsFor(depth: number): 5 | 10 | 20 {
  return depth <= 5 ? 5 : depth <= 10 ? 10 : 20;
}

/** The combined-stream URL of a base (`wss://stream.binance.com:9443`) and its streams. */
export function combinedUrl(base: string, streams: readonly string[]): string {
  return `${base.replace(/\/+$/, '')}/stream?streams=${streams.join('/')}`;
}

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
  const depthLevels = depthLevelsFor(config.stream.orderBookDepth);
  const spot = [
    ...series.map((s) => `${lower(s.symbol)}@kline_${s.timeframe}`),
    ...spotSymbols.flatMap((s) => [`${lower(s)}@aggTrade`, `${lower(s)}@bookTicker`]),
  ];
  const futures = perpetuals.flatMap((s) => [`${lower(s)}@depth${depthLevels}@500ms`, `${lower(s)}@markPrice@1s`]);
  const b = config.sources.binance;
  const connections: StreamPlan['connections'] = [];
  if (spot.length) connections.push({ market: 'spot', url: combinedUrl(b.wsUrl, spot), streams: spot });
  if (futures.length) connections.push({ market: 'futures', url: combinedUrl(b.futuresWsUrl, futures), streams: futures });
  return { series, spotSymbols, perpetuals, depthLevels, connections };
}
