import { ConfigError } from '../core/errors.js';
import { metrics } from '../core/metrics.js';
import { floorToGrid, isoTime, type Timeframe, timeframeMs } from '../core/time.js';
import type { PriceQuote } from './types.js';
import { type CandleSourceName, fetchCandleRange, type RangeDeps } from './candle-range.js';
import { cleanCandles, reportRejected } from './validate.js';
import { candlesFromColumns } from '../storage/repos/candles.js';
import { ohlcDaysFor } from './coingecko/ohlc.js';

export interface Served<T> {
  source: string;
  fallback: boolean;
  value: T;
}

function why(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Stores recent candles from CoinGecko OHLC (the candle fallback), from `since` on. */
async function ohlcFallback(deps: RangeDeps, symbol: string, timeframe: Timeframe, since: number): Promise<number> {
  const { config, store, clock, log } = deps;
  const s = config.sources;
  const label = `coingecko ${symbol} ${timeframe}`;
  const fresh = (await deps.sources.coingecko.ohlcCandles(symbol, timeframe)).filter((c) => c.ts >= since);
  const context = candlesFromColumns(await store.candles.read({ symbol, timeframe, to: since - 1, limit: s.outlierNeighbours }));
  const r = cleanCandles(fresh, { timeframe, now: clock.now(), outlierMads: s.outlierMads, outlierNeighbours: s.outlierNeighbours, outlierFloor: s.outlierFloor }, context);
  reportRejected(r.rejected, log, label);
  if (r.candles.length) {
    await store.candles.upsert({ source: 'coingecko', symbol, timeframe }, r.candles);
    metrics.rowsStored.inc({ table: 'candles' }, r.candles.length);
  }
  return r.candles.length;
}

/**
 * Candles of one symbol from `since` to the last closed candle (SPEC §5 fallback order): Binance, then CoinGecko
 * OHLC when Binance fails or its breaker is open. A series configured on CoinGecko uses its OHLC directly.
 */
export async function collectCandles(deps: RangeDeps, source: CandleSourceName, symbol: string, timeframe: Timeframe, since: number): Promise<Served<number>> {
  const to = floorToGrid(deps.clock.now(), timeframe) - timeframeMs(timeframe);
  if (source === 'coingecko') return { source, fallback: false, value: await ohlcFallback(deps, symbol, timeframe, since) };
  if (since > to) return { source, fallback: false, value: 0 };
  try {
    const r = await fetchCandleRange({ ...deps, patient: false }, 'binance', symbol, timeframe, since, to);
    return { source, fallback: false, value: r.stored };
  } catch (err) {
    // No fallback can build this timeframe (CoinGecko OHLC steps are 30 min and 4 h): the item failed.
    if (err instanceof ConfigError || ohlcDaysFor(timeframe) === undefined) throw err;
    deps.log.warn({ item: `${symbol} ${timeframe}`, from: isoTime(since), err: why(err) }, `binance failed for ${symbol} ${timeframe}; falling back to CoinGecko OHLC`);
    const stored = await ohlcFallback(deps, symbol, timeframe, since);
    return { source: 'coingecko', fallback: true, value: stored };
  }
}

/** Last prices of every symbol: CoinGecko markets (one call), then the Binance 24h ticker when CoinGecko fails. */
export async function collectPrices(deps: RangeDeps, symbols: readonly string[]): Promise<Served<PriceQuote[]>> {
  const now = deps.clock.now();
  try {
    return { source: 'coingecko', fallback: false, value: await deps.sources.coingecko.markets(symbols, now) };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    deps.log.warn({ err: why(err) }, 'coingecko prices failed; falling back to the Binance 24h ticker');
    return { source: 'binance', fallback: true, value: await deps.sources.binance.tickers(symbols, now) };
  }
}
