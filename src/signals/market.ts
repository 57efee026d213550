/**
 * Loads the market data a strategy run needs from the Store, as of a moment: candles at the strategy's timeframe
 * (stored at that timeframe and/or resampled from the coarsest finer timeframe stored, which wins where both
 * exist, since collection keeps it current) and macro series. Nothing that closes or is published after `at` is
 * read, so a run as of `at` is the same whether or not later data is in storage.
 */
import { type Timeframe, TIMEFRAME_NAMES, TIMEFRAMES, DAY_MS } from '../core/time.js';
import type { CandleColumns, MacroObservation } from '../core/types.js';
import type { SeriesKey } from '../core/types.js';
import type { Store } from '../storage/store.js';
import { emptyColumns } from '../storage/repos/candles.js';
import { resampleCandles } from '../strategies/resample.js';

export class MarketLoader {
  private keys?: Promise<SeriesKey[]>;
  private readonly candleCache = new Map<string, Promise<CandleColumns>>();
  private readonly reads = new Map<string, Promise<CandleColumns>>();
  private readonly macroCache = new Map<string, Promise<MacroObservation[]>>();

  constructor(
    private readonly store: Store,
    /** Decisions are made as of this moment. */
    readonly at: number,
    /** The earliest candle any caller will ask for: each stored series is read once from here and sliced. */
    private readonly earliest?: number,
  ) {}

  /** Stored candles of one timeframe from `from` that closed by `at`, read once per series for all callers. */
  private async stored(symbol: string, tf: Timeframe, from: number): Promise<CandleColumns> {
    const start = this.earliest !== undefined && this.earliest <= from ? Math.floor(this.earliest / DAY_MS) * DAY_MS : from;
    const key = `${symbol}|${tf}|${start}`;
    let p = this.reads.get(key);
    if (!p) this.reads.set(key, (p = this.store.candles.read({ symbol, timeframe: tf, from: start, to: this.at - TIMEFRAMES[tf] })));
    return sliceFrom(await p, from);
  }

  private async storedTimeframes(symbol: string): Promise<Set<Timeframe>> {
    this.keys ??= this.store.candles.keys();
    return new Set((await this.keys).filter((k) => k.symbol === symbol).map((k) => k.timeframe));
  }

  /** Candles of `symbol` at `tf` whose open time is >= from and which closed by `at`. */
  candles(symbol: string, tf: Timeframe, from: number): Promise<CandleColumns> {
    const key = `${symbol}|${tf}|${from}`;
    let p = this.candleCache.get(key);
    if (!p) this.candleCache.set(key, (p = this.load(symbol, tf, from)));
    return p;
  }

  private async load(symbol: string, tf: Timeframe, from: number): Promise<CandleColumns> {
    const stored = await this.storedTimeframes(symbol);
    const target = TIMEFRAMES[tf];
    const native = stored.has(tf) ? await this.stored(symbol, tf, from) : emptyColumns(0);
    const finer = TIMEFRAME_NAMES.filter((t) => stored.has(t) && TIMEFRAMES[t] < target && target % TIMEFRAMES[t] === 0).sort((a, b) => TIMEFRAMES[b] - TIMEFRAMES[a])[0];
    if (!finer) return native;
    const raw = await this.stored(symbol, finer, Math.floor(from / target) * target);
    const resampled = resampleCandles(raw, tf, { from: finer, asOf: this.at });
    return mergeByTs(native, resampled);
  }

  /** Observations of a series dated from `from` - 30 days (so the as-of value at `from` is known) up to `at`. */
  macro(series: string, from: number): Promise<MacroObservation[]> {
    const key = `${series}|${from}`;
    let p = this.macroCache.get(key);
    if (!p) this.macroCache.set(key, (p = this.store.macro.read(series, from - 30 * DAY_MS, this.at)));
    return p;
  }
}

/** The candles with open time >= from (a view, no copy). */
export function sliceFrom(c: CandleColumns, from: number): CandleColumns {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.ts[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return c;
  return { length: c.length - lo, ts: c.ts.subarray(lo), open: c.open.subarray(lo), high: c.high.subarray(lo), low: c.low.subarray(lo), close: c.close.subarray(lo), volume: c.volume.subarray(lo) };
}

/** Union of two ascending candle series by open time; `preferred` wins where both have a bar. */
export function mergeByTs(other: CandleColumns, preferred: CandleColumns): CandleColumns {
  if (other.length === 0) return preferred;
  if (preferred.length === 0) return other;
  const out = emptyColumns(other.length + preferred.length);
  let i = 0;
  let j = 0;
  let m = 0;
  const put = (c: CandleColumns, k: number) => {
    out.ts[m] = c.ts[k];
    out.open[m] = c.open[k];
    out.high[m] = c.high[k];
    out.low[m] = c.low[k];
    out.close[m] = c.close[k];
    out.volume[m] = c.volume[k];
    m++;
  };
  while (i < other.length || j < preferred.length) {
    if (j >= preferred.length || (i < other.length && other.ts[i] < preferred.ts[j])) put(other, i++);
    else {
      if (i < other.length && other.ts[i] === preferred.ts[j]) i++;
      put(preferred, j++);
    }
  }
  return { length: m, ts: out.ts.subarray(0, m), open: out.open.subarray(0, m), high: out.high.subarray(0, m), low: out.low.subarray(0, m), close: out.close.subarray(0, m), volume: out.volume.subarray(0, m) };
}
