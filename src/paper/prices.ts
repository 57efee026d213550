/**
 * Where the paper trader's prices come from: the latest tick it was given (`onPrice`, the real-time stream) or the
 * latest stored candle's close, whichever is newer. There is no fallback price: a symbol with neither has no price,
 * and whatever needed it is refused with that reason (the original priced unknown assets at a $100 mock).
 *
 * It also keeps, per symbol, the recent candles of the paper timeframe that the risk orchestrator measures the
 * market on (ATR, volatility, volume, correlations), the same way the backtester's risk gate does.
 */
import { DAY_MS, type Timeframe, timeframeMs } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import type { Store } from '../storage/store.js';

export interface Quote {
  price: number;
  /** When the price was observed: the tick's time, or the candle's close time. */
  ts: number;
  /** The candle's volume (NaN for a tick): the slippage impact term uses it. */
  volume: number;
  source: 'tick' | 'candle';
}

/** Days of candles the risk measures look back over (the longest window of marketStateAt and the correlations). */
const WINDOW_DAYS = 31;
/** How long (engine time) a looked-up latest candle stands before it is looked up again. */
const CANDLE_TTL_MS = 1000;

export class PriceBook {
  private readonly ticks = new Map<string, { price: number; ts: number }>();
  /** Recent candles per symbol, shared with the risk gate (it reads held symbols' series for correlations). */
  readonly windows = new Map<string, CandleColumns>();
  private readonly validUntil = new Map<string, number>();
  private readonly candleQuotes = new Map<string, { quote: Quote | undefined; at: number }>();
  readonly timeframe: Timeframe;
  readonly barMs: number;
  /** Per symbol: the `to` bound the cached window was read up to, and the earliest candle said to change since. */
  private readonly readTo = new Map<string, number>();
  private readonly changedFrom = new Map<string, number>();

  /**
   * `extendWindows`: the stored candles change only as `invalidate(symbol, from)` says (a replay over history
   * stored beforehand), so a window whose bar has passed is extended with the candles after it instead of being
   * read whole again; the result is the same window.
   */
  constructor(
    timeframe: Timeframe,
    private readonly extendWindows = false,
  ) {
    this.timeframe = timeframe;
    this.barMs = timeframeMs(timeframe);
  }

  /** Records a tick; a tick older than the one held is ignored. */
  tick(symbol: string, price: number, ts: number): void {
    const held = this.ticks.get(symbol);
    if (!held || ts >= held.ts) this.ticks.set(symbol, { price, ts });
  }

  /** Whether a tick newer than ts is held (a candle closing at ts must not overwrite its price). */
  tickAfter(symbol: string, ts: number): boolean {
    const t = this.ticks.get(symbol);
    return t !== undefined && t.ts > ts;
  }

  /**
   * The freshest usable price of a symbol, or undefined when there is none. The latest stored candle is looked up
   * at most once per `CANDLE_TTL_MS` of engine time (`now`); a burst of alerts does not re-read it for each one.
   */
  async quote(store: Store, symbol: string, now?: number): Promise<Quote | undefined> {
    const tick = this.ticks.get(symbol);
    const fromCandle = await this.latestCandle(store, symbol, now);
    if (tick && (!fromCandle || tick.ts >= fromCandle.ts)) return { price: tick.price, ts: tick.ts, volume: Number.NaN, source: 'tick' };
    return fromCandle;
  }

  private async latestCandle(store: Store, symbol: string, now: number | undefined): Promise<Quote | undefined> {
    const held = this.candleQuotes.get(symbol);
    if (held && now !== undefined && now >= held.at && now - held.at < CANDLE_TTL_MS) return held.quote;
    let candle = await store.candles.latest(symbol);
    if (candle && now !== undefined && candle.ts + timeframeMs(candle.timeframe) > now) {
      // a candle stored ahead of the engine's clock (a replay over stored history) must not be seen: take the
      // latest one that had closed by now
      const tfMs = timeframeMs(candle.timeframe);
      const c = await store.candles.read({ symbol, timeframe: candle.timeframe, to: now - tfMs, limit: 1 });
      candle = c.length ? { ...candle, ts: c.ts[0], open: c.open[0], high: c.high[0], low: c.low[0], close: c.close[0], volume: c.volume[0] } : undefined;
    }
    let quote: Quote | undefined;
    if (candle && candle.close > 0 && Number.isFinite(candle.close)) {
      quote = { price: candle.close, ts: candle.ts + timeframeMs(candle.timeframe), volume: candle.volume, source: 'candle' };
    }
    if (now !== undefined) this.candleQuotes.set(symbol, { quote, at: now });
    return quote;
  }

  /**
   * The recent candles of a symbol that had closed by `now` (never a later one), cached until the next bar could
   * have closed or `invalidate` is called.
   */
  async window(store: Store, symbol: string, now: number): Promise<CandleColumns> {
    const held = this.windows.get(symbol);
    const until = this.validUntil.get(symbol);
    if (held && until !== undefined && now >= until - this.barMs && now < until) return held;
    const to = now - this.barMs;
    const limit = Math.ceil((WINDOW_DAYS * DAY_MS) / this.barMs) + 1;
    const readTo = this.readTo.get(symbol);
    let w: CandleColumns;
    if (this.extendWindows && held && readTo !== undefined && to >= readTo && (this.changedFrom.get(symbol) ?? Number.POSITIVE_INFINITY) > readTo) {
      // nothing up to readTo changed: the window is the last `limit` of what was read plus what came after it
      w = lastOf(held, await store.candles.read({ symbol, timeframe: this.timeframe, from: readTo + 1, to, limit }), limit);
    } else {
      w = await store.candles.read({ symbol, timeframe: this.timeframe, to, limit });
    }
    this.readTo.set(symbol, to);
    this.changedFrom.delete(symbol);
    this.windows.set(symbol, w);
    this.validUntil.set(symbol, Math.floor(now / this.barMs) * this.barMs + this.barMs);
    return w;
  }

  /** Forgets a symbol's cached candles (new ones were stored: from `from` on, when known). */
  invalidate(symbol?: string, from = Number.NEGATIVE_INFINITY): void {
    if (symbol === undefined) {
      this.validUntil.clear();
      this.candleQuotes.clear();
      this.readTo.clear();
    } else {
      this.validUntil.delete(symbol);
      this.candleQuotes.delete(symbol);
      this.changedFrom.set(symbol, Math.min(from, this.changedFrom.get(symbol) ?? Number.POSITIVE_INFINITY));
    }
  }
}

/** The last `limit` candles of `a` followed by `b` (b's candles all open after a's). */
function lastOf(a: CandleColumns, b: CandleColumns, limit: number): CandleColumns {
  if (b.length === 0) return a;
  const n = Math.min(limit, a.length + b.length);
  const fromA = n - Math.min(n, b.length);
  const out = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    out[f].set(a[f].subarray(a.length - fromA, a.length), 0);
    out[f].set(b[f].subarray(b.length - (n - fromA), b.length), fromA);
  }
  return out;
}
