import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { DAY_MS, isoTime, type Timeframe, timeframeMs } from '../core/time.js';
import type { Candle, SeriesKey } from '../core/types.js';
import { findGaps, type Gap } from '../storage/gaps.js';
import { candlesFromColumns } from '../storage/repos/candles.js';
import type { Store } from '../storage/store.js';
import { candlesFromKlines, klineOpenTime } from './binance/source.js';
import type { Sources } from './open.js';
import { patiently } from './patience.js';
import { cleanCandles, reportRejected } from './validate.js';

export type CandleSourceName = 'binance' | 'coingecko';
export type Range = [from: number, to: number];

export interface RangeDeps {
  config: Config;
  store: Store;
  sources: Sources;
  clock: Clock;
  log: Logger;
  /** Wait out a source's bad minute (backfill) instead of failing at once (collect, which falls back). */
  patient?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RangeReport {
  stored: number;
  rejected: number;
  pages: number;
  /** Ranges the source has no candles for (exchange outages, before listing), remembered so they are not asked again. */
  exchangeGaps: Range[];
}

interface Page {
  /** The page's candles, read when asked (after the next page's request has left). */
  candles: () => Candle[];
  /** Where the next page starts; undefined when the source has nothing after this page. */
  next?: number;
}

/** Grid ranges in [from, to] with no stored candle, minus ranges known to be empty at the source. */
export function missingRanges(stored: ArrayLike<number>, from: number, to: number, step: number, known: readonly Range[] = []): Range[] {
  const out: Range[] = [];
  let expected = from;
  for (let i = 0; i < stored.length; i++) {
    const ts = stored[i];
    if (ts < from || ts > to) continue;
    if (ts > expected) out.push([expected, ts - step]);
    expected = Math.max(expected, ts + step);
  }
  if (expected <= to) out.push([expected, to]);
  return subtractRanges(out, known, step);
}

function subtractRanges(ranges: Range[], known: readonly Range[], step: number): Range[] {
  let out = ranges;
  for (const [kf, kt] of known) {
    out = out.flatMap(([f, t]): Range[] => {
      if (kt < f || kf > t) return [[f, t]];
      const parts: Range[] = [];
      if (kf > f) parts.push([f, kf - step]);
      if (kt < t) parts.push([kt + step, t]);
      return parts;
    });
  }
  return out;
}

export function progressKey(key: SeriesKey): string {
  return `backfill:${key.source}:${key.symbol}:${key.timeframe}`;
}

function pager(deps: RangeDeps, source: CandleSourceName, symbol: string, timeframe: Timeframe): (since: number, until: number) => Promise<Page> {
  const step = timeframeMs(timeframe);
  if (source === 'binance') {
    const limit = deps.config.sources.binance.klinesPerPage;
    return async (since, until) => {
      const rows = await deps.sources.binance.klineRows(symbol, timeframe, since, { until, limit });
      return { candles: () => candlesFromKlines(rows), next: rows.length ? klineOpenTime(rows[rows.length - 1]) + step : undefined };
    };
  }
  // One market_chart/range call per page: the span (plus the closing period) stays within chunkDays.
  const span = deps.config.sources.coingecko.chunkDays * DAY_MS - 2 * step;
  return async (since, until) => {
    const end = Math.min(until, since + Math.max(step, span - (span % step)) - step);
    const candles = await deps.sources.coingecko.historyCandles(symbol, timeframe, since, end);
    return { candles: () => candles, next: end + step };
  };
}

/**
 * Fetches, validates and stores the candles of one series over [from, to] that are not stored yet, page by page
 * (the next page is asked while the current one is stored), so a crash loses at most the pages in flight, and a
 * rerun asks only for what is still missing. Candles missing inside a page are asked for again (`gapRetries`),
 * beside the following pages and before the call returns; what stays missing is an exchange gap, remembered in
 * store.ops kv.
 */
export async function fetchCandleRange(deps: RangeDeps, source: CandleSourceName, symbol: string, timeframe: Timeframe, from: number, to: number): Promise<RangeReport> {
  const { config, store, clock, log } = deps;
  const s = config.sources;
  const step = timeframeMs(timeframe);
  const key: SeriesKey = { source, symbol, timeframe };
  const label = `${source} ${symbol} ${timeframe}`;
  const state = (await store.ops.getKv<{ exchangeGaps?: Range[] }>(progressKey(key))) ?? {};
  const exchangeGaps: Range[] = state.exchangeGaps ?? [];
  const stored = await store.candles.read({ symbol, timeframe, source, from, to });
  const ranges = missingRanges(stored.ts, from, to, step, exchangeGaps);
  const total = ranges.reduce((n, [f, t]) => n + (t - f) / step + 1, 0);
  const report: RangeReport = { stored: 0, rejected: 0, pages: 0, exchangeGaps: [] };
  const fetchPage = pager(deps, source, symbol, timeframe);
  const page = (since: number, until: number) => {
    report.pages++;
    const run = () => fetchPage(since, until);
    return deps.patient ? patiently(`${label} page from ${isoTime(since)}`, run, deps) : run();
  };
  const rules = { timeframe, now: clock.now(), outlierMads: s.outlierMads, outlierNeighbours: s.outlierNeighbours, outlierFloor: s.outlierFloor };
  let context: Candle[] = [];
  const keep = async (raw: Candle[], lo: number, hi: number, around: Candle[] = context): Promise<Candle[]> => {
    const r = cleanCandles(raw.filter((c) => c.ts >= lo && c.ts <= hi), rules, around);
    reportRejected(r.rejected, log, label);
    report.rejected += r.rejected.length;
    if (r.candles.length) {
      await store.candles.upsert(key, r.candles);
      metrics.rowsStored.inc({ table: 'candles' }, r.candles.length);
      report.stored += r.candles.length;
    }
    return r.candles;
  };
  const remember = async (gap: Range) => {
    log.info({ item: label, from: isoTime(gap[0]), to: isoTime(gap[1]) }, `${label}: the source has no candles from ${isoTime(gap[0])} to ${isoTime(gap[1])}`);
    exchangeGaps.push(gap);
    report.exchangeGaps.push(gap);
    await store.ops.setKv(progressKey(key), { exchangeGaps }, clock.now());
  };
  const repair = async (found: Gap[], nearby: Candle[]) => {
    const n = s.outlierNeighbours;
    // judged against the candles on both sides of the hole, not the page's older context
    const nearHole = (hf: number, ht: number) => [...nearby.filter((c) => c.ts < hf).slice(-n), ...nearby.filter((c) => c.ts > ht).slice(0, n)];
    for (const g of found) {
      let holes: Range[] = [[g.from, g.to]];
      for (let attempt = 0; attempt < s.gapRetries && holes.length; attempt++) {
        const again: Range[] = [];
        for (const [hf, ht] of holes) {
          const got = await keep((await page(hf, ht)).candles(), hf, ht, nearHole(hf, ht));
          again.push(...missingRanges(got.map((c) => c.ts), hf, ht, step));
        }
        holes = again;
      }
      for (const h of holes) await remember(h);
    }
  };
  let repairs: Promise<void> = Promise.resolve();
  let done = 0;
  for (const [a, b] of ranges) {
    context = candlesFromColumns(await store.candles.read({ symbol, timeframe, source, to: a - 1, limit: s.outlierNeighbours }));
    try {
      let pending: Promise<Page> | undefined = page(a, b);
      for (let since = a; pending; ) {
        const p: Page = await pending;
        const next = p.next !== undefined && p.next <= b ? p.next : undefined;
        // Ask for the next page while this one is checked and stored, so network and database work overlap.
        pending = next !== undefined ? page(next, b) : undefined;
        pending?.catch(() => undefined);
        // The request leaves only after a chain of promise steps (limiter, breaker, fetch); let them run to the socket
        // before the synchronous checks and writes below, or the server would sit idle while this page is stored.
        if (pending) await new Promise<void>((resolve) => setImmediate(resolve));
        const until = Math.min(b, (p.next ?? b + step) - step);
        const kept = await keep(p.candles(), since, until);
        // Holes inside the page: ask again, then call what stays missing an exchange gap. The repairs run one after
        // another beside the pages (a round trip each that the pages need not wait for).
        const holesFound = findGaps([since - step, ...kept.map((c) => c.ts), ...(p.next === undefined ? [until + step] : [])], step);
        if (holesFound.length) {
          const nearby = [...context, ...kept];
          repairs = repairs.then(() => repair(holesFound, nearby));
          repairs.catch(() => undefined);
        }
        context = [...context, ...kept].slice(-s.outlierNeighbours);
        done += (until - since) / step + 1;
        deps.onProgress?.(done, total);
        if (next !== undefined) since = next;
      }
    } catch (err) {
      // no repair may outlive the call (the caller may close the store next)
      await repairs.catch(() => undefined);
      throw err;
    }
    await repairs;
  }
  return report;
}
