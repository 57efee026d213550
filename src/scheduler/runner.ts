/**
 * The real ItemRunner: candles from the start of the scheduler's range through the sources' `collectCandles` (one
 * request per 1000 candles, the fallback order of SPEC §5, validation before storage), FRED series over the range
 * the scheduler found due (`fetchMacroRange`), coarser candles folded locally, and signal
 * generation through an injected step. Where the stored data ends is read back from storage, the one truth a
 * restart also starts from.
 */
import type { Logger } from '../core/log.js';
import { DAY_MS, TIMEFRAMES } from '../core/time.js';
import type { RangeDeps } from '../sources/candle-range.js';
import { collectCandles } from '../sources/fallback.js';
import { fetchMacroRange } from '../sources/macro-range.js';
import type { Store } from '../storage/store.js';
import { deriveCandles } from './derive.js';
import type { CandleItem, ScheduleItem } from './items.js';
import type { ItemRunner } from './scheduler.js';

/** Generates signals as of `at` (an hour boundary), writes alerts and hands them to the notifiers. */
export type SignalStep = (at: number, signal: AbortSignal) => Promise<{ signals: number; alerts: number }>;

export interface RunnerDeps {
  collect: Omit<RangeDeps, 'signal'>;
  store: Store;
  log: Logger;
  signals?: SignalStep;
  /**
   * True while a live market stream keeps this series stored (src/sources/stream): the run then spends no call and
   * only derives coarser candles from what the stream stored. False (or absent): the REST collection runs.
   */
  covered?: (item: CandleItem) => boolean;
}

/** Where stored data of an item ends (exclusive): the last candle's close, the day after the last observation. */
export async function storedUntil(store: Store, item: ScheduleItem): Promise<number | null> {
  if (item.kind === 'candles') {
    const last = await store.candles.read({ symbol: item.symbol, timeframe: item.timeframe, source: item.source, limit: 1 });
    return last.length ? last.ts[0] + TIMEFRAMES[item.timeframe] : null;
  }
  if (item.kind === 'macro') {
    const last = await store.macro.read(item.series, undefined, undefined, 1);
    return last.length ? last[0].date + DAY_MS : null;
  }
  return null;
}

/** Settles with the work, or rejects as soon as the signal fires (the work is abandoned, its errors swallowed). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function collectionRunner(d: RunnerDeps): ItemRunner {
  return async (item, range, ctx) => {
    if (item.kind === 'signals') {
      if (!d.signals) throw new Error('no signal step was given to the runner');
      const r = await untilAborted(d.signals(range.to, ctx.signal), ctx.signal);
      return { stored: r.signals, until: range.to, signals: r.signals, alerts: r.alerts };
    }
    const accounting = d.collect.sources.clients.accounting;
    const before = accounting.callsMade();
    try {
      if (item.kind === 'macro') {
        // Asked up to the newest observation due (range.to is exclusive), not up to today, which FRED has not published.
        const r = await untilAborted(fetchMacroRange({ ...d.collect, signal: ctx.signal }, item.series, range.from, range.to - DAY_MS), ctx.signal);
        return { stored: r.stored, until: await storedUntil(d.store, item) };
      }
      // A series a live stream keeps stored spends no call; it only derives coarser candles from what was streamed.
      const streamed = d.covered?.(item) === true;
      let stored = 0;
      if (!streamed) {
        // From where the scheduler's range starts (the last stored candle, or initialLookback on an empty store).
        const served = await untilAborted(collectCandles({ ...d.collect, signal: ctx.signal }, item.source, item.symbol, item.timeframe, range.from), ctx.signal);
        if (served.fallback) d.log.warn({ item: item.id, source: served.source }, 'candles came from the fallback source');
        stored = served.value;
      }
      const until = await storedUntil(d.store, item);
      let derived = 0;
      if (item.kind === 'candles' && until !== null) {
        for (const coarse of item.derive) derived += await deriveCandles(d.store, { source: item.source, symbol: item.symbol, timeframe: item.timeframe }, coarse, range.from, until);
      }
      return { stored: stored + derived, until };
    } finally {
      ctx.countCalls(accounting.callsMade() - before);
    }
  };
}
