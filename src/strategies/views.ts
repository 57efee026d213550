/**
 * The read-only windows a strategy sees: one BarView per symbol and one MacroView per series, each moved by the
 * runner to the current bar (a cursor, no allocation per bar). Every accessor stops at the cursor: asking for a
 * later bar (`ago` < 0) or for anything past the start gives NaN, so a strategy cannot read the future.
 */
import { InputError } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import { DAY_MS } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import type { AsOfSeries } from './asof.js';
import type { BarView, MacroView } from './contract.js';

type Field = 'open' | 'high' | 'low' | 'close' | 'volume';
const FIELDS = new Set<string>(['open', 'high', 'low', 'close', 'volume']);

export class SeriesView implements BarView {
  /** The current bar; -1 = none visible yet. */
  index = -1;
  /**
   * The precomputed series as parallel arrays: `value(key)` is called several times per bar, and comparing the
   * key against a handful of (interned) names is cheaper than hashing it into a Map each time.
   */
  private readonly keys: string[] = [];
  private readonly arrays: Float64Array[] = [];

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    readonly candles: CandleColumns,
    private readonly values: ReadonlyMap<string, Float64Array>,
    private readonly strategy: string,
  ) {
    for (const [key, arr] of values) {
      // bar fields take precedence over a precomputed series of the same name (the runner refuses such names)
      if (FIELDS.has(key)) continue;
      this.keys.push(key);
      this.arrays.push(arr);
    }
  }

  get length(): number {
    return this.index + 1;
  }

  private at(arr: Float64Array, ago: number): number {
    if (!(ago >= 0)) return Number.NaN;
    const v = arr[this.index - ago];
    return v === undefined ? Number.NaN : v;
  }

  ts(ago = 0): number {
    return this.at(this.candles.ts, ago);
  }
  open(ago = 0): number {
    return this.at(this.candles.open, ago);
  }
  high(ago = 0): number {
    return this.at(this.candles.high, ago);
  }
  low(ago = 0): number {
    return this.at(this.candles.low, ago);
  }
  close(ago = 0): number {
    return this.at(this.candles.close, ago);
  }
  volume(ago = 0): number {
    return this.at(this.candles.volume, ago);
  }

  private series(key: string): Float64Array {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.arrays[i];
    return this.fieldOrFail(key);
  }

  /** The rare cases of `series` out of line: it stays small enough to be inlined into every strategy's onBar. */
  private fieldOrFail(key: string): Float64Array {
    if (FIELDS.has(key)) return this.candles[key as Field];
    const known = [...this.values.keys()];
    throw new InputError('E_STRATEGY_KEY', `strategy ${this.strategy}: no precomputed series "${key}" (precompute returned: ${known.join(', ') || 'nothing'})`);
  }

  value(key: string, ago = 0): number {
    return this.at(this.series(key), ago);
  }

  window(field: string, n: number): Float64Array {
    const src = this.series(field);
    const out = new Float64Array(Math.max(0, n)).fill(Number.NaN);
    const start = this.index - n + 1;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      if (k >= 0 && k <= this.index) out[j] = src[k];
    }
    return out;
  }

  /** Moves the cursor to the latest bar closed at or before `now` (binary search); -1 if none. */
  seekClosedBy(now: number, barMs: number): number {
    const ts = this.candles.ts;
    let lo = 0;
    let hi = this.candles.length - 1;
    let found = -1;
    const limit = now - barMs;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= limit) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    this.index = found;
    return found;
  }
}

/** A macro series as known at the runner's current moment (read through `now()` at each call). */
export class AsOfMacroView implements MacroView {
  private cachedAt = Number.NaN;
  private cachedIndex = -1;

  constructor(
    private readonly data: AsOfSeries,
    private readonly now: () => number,
  ) {}

  get series(): string {
    return this.data.series;
  }

  private currentIndex(): number {
    const now = this.now();
    if (now !== this.cachedAt) {
      this.cachedAt = now;
      this.cachedIndex = this.data.indexAt(now);
    }
    return this.cachedIndex;
  }

  value(ago = 0): number {
    if (!(ago >= 0)) return Number.NaN;
    const v = this.data.values[this.currentIndex() - ago];
    return v === undefined ? Number.NaN : v;
  }

  daily(days: number): Float64Array {
    const out = new Float64Array(Math.max(0, days));
    const now = this.now();
    for (let j = 0; j < days; j++) out[j] = this.data.valueAt(now - (days - 1 - j) * DAY_MS);
    return out;
  }
}
