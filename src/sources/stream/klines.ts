/**
 * Closed klines from the stream, stored exactly as the REST collection stores candles: the same validation
 * (`cleanCandles`, judged against the stored candles before them), the same idempotent upsert, the same series key
 * (source `binance`), so a candle that arrives both ways is one row. And the gap repair: after every (re)connect,
 * ONE klines request per series from the last stored candle to the last closed one.
 */
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import { floorToGrid, isoTime, timeframeMs } from '../../core/time.js';
import type { Candle, SeriesKey } from '../../core/types.js';
import { candlesFromColumns } from '../../storage/repos/candles.js';
import type { Store } from '../../storage/store.js';
import type { BinanceSource } from '../binance/source.js';
import { cleanCandles, reportRejected } from '../validate.js';
import type { StreamSeries } from './plan.js';

export interface KlineDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
}

export const seriesKey = (s: StreamSeries): SeriesKey => ({ source: 'binance', symbol: s.symbol, timeframe: s.timeframe });

/** Validates and upserts candles of one series; returns how many were stored. */
export async function storeCandles(d: KlineDeps, s: StreamSeries, candles: readonly Candle[], now: number): Promise<number> {
  if (candles.length === 0) return 0;
  const src = d.config.sources;
  const key = seriesKey(s);
  const first = Math.min(...candles.map((c) => c.ts));
  const context = candlesFromColumns(await d.store.candles.read({ ...key, to: first - 1, limit: src.outlierNeighbours }));
  const r = cleanCandles(candles, { timeframe: s.timeframe, now, outlierMads: src.outlierMads, outlierNeighbours: src.outlierNeighbours, outlierFloor: src.outlierFloor }, context);
  reportRejected(r.rejected, d.log, `binance ${s.symbol} ${s.timeframe} (stream)`);
  if (r.candles.length === 0) return 0;
  await d.store.candles.upsert(key, r.candles);
  metrics.rowsStored.inc({ table: 'candles' }, r.candles.length);
  return r.candles.length;
}

/**
 * A kline the exchange marked closed (`x: true`). Validation's "still open" test uses the later of our clock and
 * the candle's close: the exchange's word that it closed beats a local clock a few ms behind, but a "closed" kline
 * further ahead than `staleAfterMs` of our clock is still refused as from the future.
 */
export function storeClosedKline(d: KlineDeps, s: StreamSeries, candle: Candle): Promise<number> {
  const now = d.clock.now();
  const close = candle.ts + timeframeMs(s.timeframe);
  const trusted = close <= now + d.config.stream.staleAfterMs ? Math.max(now, close) : now;
  return storeCandles(d, s, [candle], trusted);
}

export interface RepairOutcome {
  /** REST calls made: 0 when nothing could be missing, else 1. */
  calls: number;
  stored: number;
  /** False when the hole was longer than one page: the REST schedule must finish it. */
  complete: boolean;
}

/**
 * Fills what is missing between the last stored candle and the last closed one with one klines request. With
 * nothing stored, the last page's worth is fetched (as the REST collection starts). No request when the last
 * closed candle is already stored.
 */
export async function repairSeries(d: KlineDeps & { binance: BinanceSource }, s: StreamSeries): Promise<RepairOutcome> {
  const step = timeframeMs(s.timeframe);
  const perPage = d.config.sources.binance.klinesPerPage;
  const now = d.clock.now();
  const lastClosed = floorToGrid(now, step) - step;
  const last = await d.store.candles.read({ ...seriesKey(s), limit: 1 });
  const since = last.length ? last.ts[0] + step : lastClosed - (perPage - 1) * step;
  if (since > lastClosed) return { calls: 0, stored: 0, complete: true };
  const raw = await d.binance.klines(s.symbol, s.timeframe, since, { until: lastClosed, limit: perPage });
  const stored = await storeCandles(d, s, raw, now);
  const reached = raw.length ? raw[raw.length - 1].ts : since - step;
  const complete = reached >= lastClosed || raw.length < perPage;
  metrics.streamGapsRepaired.inc({ timeframe: s.timeframe });
  d.log.info({ series: `${s.symbol} ${s.timeframe}`, from: isoTime(since), to: isoTime(lastClosed), stored, complete }, 'stream gap repaired over REST');
  return { calls: 1, stored, complete };
}
