/**
 * Replays alerts through the paper engine on a virtual clock over candles of `paper.timeframe` (the demo's paper
 * stage, and the parity check against a backtest). The engine sees the market as it would live, bar by bar:
 *   at a bar's open time t — each symbol's open arrives (`openBar`), then the alerts raised in (previous t, t] are
 *   applied at those prices (in time order);
 *   at its close — the bar is stored and checked against stops and targets (`onCandle`), and the mark moves to the
 *   close.
 * Bars before `from` are stored up front as history (risk measures need them); none after the clock is ever visible.
 */
import type { Config } from '../config/schema.js';
import { VirtualClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { type Timeframe, timeframeMs } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import type { Store } from '../storage/store.js';
import { type AlertItem, type AlertOutcome, PaperEngine } from './engine.js';

export interface ReplayOptions {
  store: Store;
  config: Config;
  log: Logger;
  /** Candles of config.paper.timeframe per symbol, oldest first (history before `from` included). */
  candles: ReadonlyMap<string, CandleColumns>;
  /** Alerts in any order (with the file each came from, or null); each is applied at the first bar open at or after its timestamp. */
  alerts: readonly AlertItem[];
  from: number;
  /** Last bar open time replayed (inclusive). */
  to: number;
  /** The source name the candles are stored under. */
  source?: string;
  /** The candles are in the store already (the demo): nothing is written, the clock alone hides what is later. */
  stored?: boolean;
  /** Records an equity point at every multiple of this many ms of the clock (e.g. a day); none when absent. */
  snapshotEvery?: number;
}

export interface ReplayResult {
  engine: PaperEngine;
  clock: VirtualClock;
  /** One per alert applied, in the order applied, with the alert it belongs to. */
  outcomes: (AlertOutcome & { item: AlertItem })[];
}

/** The candles opening in [from, to] (views, no copy). */
export function sliceColumns(c: CandleColumns, from: number, to: number): CandleColumns {
  let a = 0;
  while (a < c.length && c.ts[a] < from) a++;
  let b = a;
  while (b < c.length && c.ts[b] <= to) b++;
  return { length: b - a, ts: c.ts.subarray(a, b), open: c.open.subarray(a, b), high: c.high.subarray(a, b), low: c.low.subarray(a, b), close: c.close.subarray(a, b), volume: c.volume.subarray(a, b) };
}

export async function replayAlerts(o: ReplayOptions): Promise<ReplayResult> {
  const tf = o.config.paper.timeframe as Timeframe;
  const barMs = timeframeMs(tf);
  const source = o.source ?? 'replay';
  const symbols = [...o.candles.keys()];
  const live = new Map<string, CandleColumns>();
  for (const s of symbols) {
    const c = o.candles.get(s) as CandleColumns;
    if (!o.stored) await o.store.candles.upsert({ source, symbol: s, timeframe: tf }, sliceColumns(c, Number.NEGATIVE_INFINITY, o.from - 1));
    live.set(s, sliceColumns(c, o.from, o.to));
  }
  const times = [...new Set(symbols.flatMap((s) => Array.from((live.get(s) as CandleColumns).ts)))].sort((a, b) => a - b);
  const alerts = [...o.alerts].sort((a, b) => a.intent.ts - b.intent.ts || (a.intent.id < b.intent.id ? -1 : a.intent.id > b.intent.id ? 1 : 0));
  const clock = new VirtualClock(times.length > 0 ? times[0] : o.from);
  const engine = await PaperEngine.open({ store: o.store, config: o.config, clock, log: o.log, replay: o.stored === true });
  const outcomes: ReplayResult['outcomes'] = [];
  const cursor = new Map(symbols.map((s) => [s, 0]));
  let next = 0;
  for (const t of times) {
    clock.set(t);
    const here: [string, number][] = [];
    for (const s of symbols) {
      const c = live.get(s) as CandleColumns;
      const i = cursor.get(s) as number;
      if (i < c.length && c.ts[i] === t) {
        here.push([s, i]);
        cursor.set(s, i + 1);
        await engine.openBar(s, c.open[i], t);
      }
    }
    const due: AlertItem[] = [];
    while (next < alerts.length && alerts[next].intent.ts <= t) due.push(alerts[next++]);
    if (due.length > 0) {
      const applied = await engine.applyAlerts(due);
      for (let j = 0; j < due.length; j++) outcomes.push({ ...applied[j], item: due[j] });
    }
    clock.set(t + barMs);
    for (const [s, i] of here) {
      const c = live.get(s) as CandleColumns;
      const bar = { ts: t, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] };
      if (!o.stored) await o.store.candles.upsert({ source, symbol: s, timeframe: tf }, [bar]);
      await engine.onCandle(s, bar);
    }
    if (o.snapshotEvery && (t + barMs) % o.snapshotEvery === 0) await engine.snapshotEquity(t + barMs);
  }
  return { engine, clock, outcomes };
}
