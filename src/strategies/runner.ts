/**
 * StrategyRunner: runs one strategy with its parameters over market data, the same way for signal generation,
 * backtests and paper trading (they differ only in who drives it and where `position()` comes from).
 *
 * API (stable; the backtester builds on it):
 *   const runner = new StrategyRunner(strategy, overrides, { candles, macro }, { symbols?, position?, source? });
 *     candles: Map<symbol, CandleColumns> already at strategy.timeframe (see resampleCandles), oldest first;
 *     macro:   Map<series, MacroObservation[]> (as-of joined here: date D usable from D+1 00:00 UTC).
 *     symbols: the symbols to decide on (default: strategy.symbols present in the data, else every loaded symbol);
 *              other loaded symbols are still readable through ctx.asset().
 *     position(symbol, strategy): the position the caller holds (backtest/paper); without it the runner tracks
 *              the strategy's own signal-implied position (LONG/SHORT opens, CLOSE flattens).
 *   runner.symbols, runner.params, runner.barMs
 *   runner.bars(symbol) → CandleColumns;  runner.firstIndex(symbol) → first bar index after warm-up
 *   runner.closeTime(symbol, i) → ts[i] + bar length (the moment the decision at bar i is made)
 *   runner.onBar(symbol, i) → Signal[]  (ts = bar close time, price = bar close; defaults: confidence 1,
 *              strength from confidence, size 1 = the full size the risk module allows, no stops)
 *   runner.decide(symbol, i, order) → count: the same decision handed to order(symbol, side, size, stop, target)
 *              intent by intent, without Signal objects (for a driver that needs nothing else of a signal)
 *   runner.activeBars(symbol) → the strategy's `when` series (bars where it is 0 give no signal) when a driver may
 *              skip those bars itself, else undefined
 *   runner.run({ from?, to?, onSignal? }) → Signal[] over bars closing in [from, to], all symbols in time order.
 * Constructing the runner runs `precompute` once per symbol and checks every precomputed series for look-ahead
 * (recomputed on a bounded prefix of the data and compared); a mismatch throws an InputError naming strategy and key.
 */
import { InputError, MtsError } from '../core/errors.js';
import { isoTime, TIMEFRAMES } from '../core/time.js';
import type { CandleColumns, MacroObservation, PositionSide, Signal, SignalSide } from '../core/types.js';
import { strengthFromConfidence } from '../core/types.js';
import { AsOfSeries, asOfJoin } from './asof.js';
import type { AnyStrategy, BarContext, BarView, MacroView, PrecomputeContext, SignalIntent } from './contract.js';
import { AsOfMacroView, SeriesView } from './views.js';

export interface MarketData {
  candles: ReadonlyMap<string, CandleColumns>;
  macro: ReadonlyMap<string, readonly MacroObservation[]>;
}

export type PositionLookup = (symbol: string, strategy: string) => PositionSide | null;

/** Where `decide` hands each intent: what to order. */
export type OrderSink = (symbol: string, side: SignalSide, size: number, stopLoss: number | null, takeProfit: number | null) => void;

export interface RunnerOptions {
  symbols?: readonly string[];
  position?: PositionLookup;
  /** Where the strategy came from (a file path for user strategies), for error messages. */
  source?: string;
  /** Check precomputed series for look-ahead (default true). */
  checkLookAhead?: boolean;
}

/** A strategy failed while running; names the strategy, its file, the symbol and the bar. */
export class StrategyFailure extends MtsError {
  constructor(message: string, details: Record<string, unknown>, cause: unknown) {
    super('input', 'E_STRATEGY_FAILED', message, details, { cause });
  }
}

interface ImpliedPosition {
  side: PositionSide;
  stopLoss: number | null;
  takeProfit: number | null;
}

const BAR_FIELDS = new Set(['ts', 'open', 'high', 'low', 'close', 'volume']);
const TOLERANCE = 1e-9;
/** The look-ahead check's prefix: this many bars past the warm-up, and at least LOOKAHEAD_VALUES defined values. */
const LOOKAHEAD_PREFIX = 2_048;
const LOOKAHEAD_VALUES = 256;
/** How many of the bars a `when` series skips (from the warm-up on) the runner calls onBar on to check the promise. */
const WHEN_CHECKS = 1_024;
const POSITIONS: readonly (PositionSide | null)[] = [null, 'LONG', 'SHORT'];
/** What a bar without a decision returns: one shared, frozen empty list (no allocation per bar). */
const NO_SIGNALS: readonly Signal[] = Object.freeze([]);

/** A stop or target level as given, or null when absent or not a finite number. */
function level(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

function prefix(c: CandleColumns, n: number): CandleColumns {
  return { length: n, ts: c.ts.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n), volume: c.volume.subarray(0, n) };
}

function same(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

export class StrategyRunner {
  readonly symbols: readonly string[];
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly barMs: number;
  private readonly views = new Map<string, SeriesView>();
  private readonly assetViews = new Map<string, SeriesView>();
  private readonly macroViews = new Map<string, AsOfMacroView>();
  private readonly closeTimes = new Map<string, Float64Array>();
  /** Per decided symbol, the strategy's `when` series (only when it declares one). */
  private readonly whenSeries = new Map<string, Float64Array>();
  /** The signal-implied position per symbol (used when the caller gives no position lookup). */
  private readonly implied = new Map<string, ImpliedPosition>();
  private readonly tracksImplied: boolean;
  private readonly position: PositionLookup;
  private readonly ctx: BarContext<any> & { now: number; symbol: string; bar: BarView };
  private readonly label: string;
  private readonly warmup: number;
  /** The view of the symbol decided last: drivers ask about the same symbol bar after bar, so skip the Map then. */
  private lastSymbol = '';
  private lastView: SeriesView | undefined;
  private lastWhen: Float64Array | undefined;

  constructor(
    readonly strategy: AnyStrategy,
    overrides: Record<string, unknown> | undefined,
    private readonly data: MarketData,
    opts: RunnerOptions = {},
  ) {
    this.params = strategy.resolveParams(overrides ?? {});
    this.barMs = TIMEFRAMES[strategy.timeframe as keyof typeof TIMEFRAMES];
    this.label = opts.source ? `${strategy.name} (${opts.source})` : strategy.name;
    this.warmup = strategy.warmupBars(this.params, strategy.timeframe);
    const wanted = opts.symbols ?? (strategy.symbols.length ? strategy.symbols : [...data.candles.keys()]);
    this.symbols = Object.freeze(wanted.filter((s) => (data.candles.get(s)?.length ?? 0) > 0));
    this.tracksImplied = opts.position === undefined;
    this.position = opts.position ?? ((symbol) => this.implied.get(symbol)?.side ?? null);

    // macro views are made on first use and read the runner's current moment through ctx.now
    const macroView = (series: string): MacroView => {
      let v = this.macroViews.get(series);
      if (!v) {
        v = new AsOfMacroView(new AsOfSeries(series, data.macro.get(series) ?? []), () => this.ctx.now);
        this.macroViews.set(series, v);
      }
      return v;
    };
    this.ctx = {
      params: this.params,
      now: 0,
      symbol: '',
      bar: undefined as unknown as BarView,
      symbols: this.symbols,
      asset: (symbol: string) => this.assetAt(symbol),
      macro: macroView,
      position: (symbol?: string) => this.position(symbol ?? this.ctx.symbol, strategy.name),
    };

    for (const symbol of data.candles.keys()) {
      const candles = data.candles.get(symbol)!;
      this.assetViews.set(symbol, new SeriesView(symbol, strategy.timeframe, candles, new Map(), strategy.name));
    }
    for (const symbol of this.symbols) {
      const values = this.precomputeFor(symbol, opts.checkLookAhead !== false);
      const view = new SeriesView(symbol, strategy.timeframe, data.candles.get(symbol)!, values, strategy.name);
      this.views.set(symbol, view);
      if (strategy.when === undefined) continue;
      const when = values.get(strategy.when);
      if (!when) {
        throw new InputError('E_STRATEGY_SERIES', `strategy ${this.label}: its when series "${strategy.when}" is not one of its precomputed series (${[...values.keys()].join(', ') || 'none'})`, { strategy: strategy.name, key: strategy.when });
      }
      if (opts.checkLookAhead !== false) this.checkWhen(symbol, view, when);
      this.whenSeries.set(symbol, when);
    }
  }

  /**
   * Holds the strategy to its `when` promise on a bounded sample: onBar is called on the first WHEN_CHECKS bars the
   * series skips (from the warm-up on), once with each position (flat, long, short), and must return no signal.
   */
  private checkWhen(symbol: string, view: SeriesView, when: Float64Array): void {
    const ctx = this.ctx;
    let held: PositionSide | null = null;
    // a context like ctx whose position() answers what is being tried (a copy: making ctx a prototype would slow it)
    const probe = { ...ctx, position: () => held };
    const n = view.candles.length;
    let checked = 0;
    try {
      for (let i = this.warmup; i < n && checked < WHEN_CHECKS; i++) {
        if (when[i] !== 0) continue;
        checked++;
        view.index = i;
        // (macro views read the moment from ctx)
        ctx.now = probe.now = view.candles.ts[i] + this.barMs;
        probe.symbol = symbol;
        probe.bar = view;
        for (const p of POSITIONS) {
          held = p;
          let out: ReturnType<AnyStrategy['onBar']>;
          try {
            out = this.strategy.onBar(probe);
          } catch (err) {
            this.fail(err, symbol, 'onBar', ctx.now);
          }
          const intents = Array.isArray(out) ? out : [out];
          if (intents.some((x) => x)) {
            throw new InputError(
              'E_STRATEGY_WHEN',
              `strategy ${this.label}: onBar signalled for ${symbol} at ${isoTime(ctx.now)} (position ${p ?? 'flat'}) where its when series "${this.strategy.when}" is 0, which promises no signal there`,
              { strategy: this.strategy.name, key: this.strategy.when, symbol, ts: ctx.now },
            );
          }
        }
      }
    } finally {
      view.index = -1;
    }
  }

  /**
   * The strategy's `when` series for a symbol, for a driver that skips the bars where it is 0 instead of calling
   * onBar there (undefined when the strategy has none, or when the runner tracks the signal-implied position: its
   * stops and targets are checked bar by bar inside onBar).
   */
  activeBars(symbol: string): Float64Array | undefined {
    return this.tracksImplied ? undefined : this.whenSeries.get(symbol);
  }

  /** Close times of a symbol's bars, made on first use (a backtest driver never needs them, precompute may). */
  private closeTimesOf(symbol: string): Float64Array {
    let closes = this.closeTimes.get(symbol);
    if (!closes) {
      const candles = this.data.candles.get(symbol)!;
      closes = new Float64Array(candles.length);
      for (let i = 0; i < candles.length; i++) closes[i] = candles.ts[i] + this.barMs;
      this.closeTimes.set(symbol, closes);
    }
    return closes;
  }

  private precomputeContext(symbol: string, candles: CandleColumns): PrecomputeContext<any> {
    let closes: Float64Array | undefined;
    const closeTimes = () => (closes ??= this.closeTimesOf(symbol).subarray(0, candles.length));
    const macroCache = new Map<string, Float64Array>();
    return {
      params: this.params,
      symbol,
      candles,
      timeframe: this.strategy.timeframe,
      symbols: [...this.data.candles.keys()],
      macro: (series) => {
        let m = macroCache.get(series);
        if (!m) macroCache.set(series, (m = asOfJoin(this.data.macro.get(series) ?? [], closeTimes())));
        return m;
      },
      assetClose: (other) => {
        const oc = this.data.candles.get(other);
        if (!oc) return undefined;
        const out = new Float64Array(candles.length);
        const closes = closeTimes();
        let k = -1;
        for (let i = 0; i < candles.length; i++) {
          while (k + 1 < oc.length && oc.ts[k + 1] + this.barMs <= closes[i]) k++;
          out[i] = k < 0 ? Number.NaN : oc.close[k];
        }
        return out;
      },
    };
  }

  private precomputeFor(symbol: string, check: boolean): Map<string, Float64Array> {
    const pre = this.strategy.precompute;
    if (!pre) return new Map();
    const candles = this.data.candles.get(symbol)!;
    const full = this.guard(symbol, 'precompute', () => pre(this.precomputeContext(symbol, candles)));
    const values = new Map<string, Float64Array>();
    for (const [key, arr] of Object.entries(full ?? {})) {
      if (!(arr instanceof Float64Array) || arr.length !== candles.length) {
        throw new InputError('E_STRATEGY_SERIES', `strategy ${this.label}: precomputed series "${key}" for ${symbol} must be a Float64Array of ${candles.length} values (one per bar)`);
      }
      if (BAR_FIELDS.has(key)) {
        throw new InputError('E_STRATEGY_SERIES', `strategy ${this.label}: precomputed series "${key}" has the name of a bar field; bar.value("${key}") would be ambiguous, rename it`);
      }
      values.set(key, arr);
    }
    if (check && values.size > 0 && candles.length >= 4) {
      const cut = this.lookAheadCut(values, candles.length);
      const part = this.guard(symbol, 'precompute', () => pre(this.precomputeContext(symbol, prefix(candles, cut))));
      for (const [key, arr] of values) {
        const p = (part as Record<string, Float64Array>)[key];
        for (let i = 0; i < cut; i++) {
          if (!p || !same(arr[i], p[i])) {
            throw new InputError(
              'E_LOOKAHEAD',
              `strategy ${this.label}: precomputed series "${key}" for ${symbol} looks ahead: at ${isoTime(candles.ts[i])} it is ${arr[i]} with the later data and ${p ? p[i] : 'missing'} without it`,
              { strategy: this.strategy.name, key, symbol },
            );
          }
        }
      }
    }
    return values;
  }

  /**
   * Where the look-ahead check cuts the data. Any cut exposes a series that reads later bars (its values before the
   * cut change when the bars after it are gone), so the prefix is bounded — the check costs O(LOOKAHEAD_PREFIX), not
   * O(bars) — but long enough to hold at least LOOKAHEAD_VALUES defined values of every series past its warm-up
   * (a series still all NaN before the cut would compare equal and prove nothing). At most a third of the data.
   */
  private lookAheadCut(values: ReadonlyMap<string, Float64Array>, n: number): number {
    const max = Math.max(2, Math.floor(n / 3));
    let cut = Math.min(max, LOOKAHEAD_PREFIX + this.warmup);
    for (const arr of values.values()) {
      let defined = 0;
      let i = 0;
      for (; i < max && defined < LOOKAHEAD_VALUES; i++) if (!Number.isNaN(arr[i])) defined++;
      if (i > cut) cut = i;
    }
    return cut;
  }

  private guard<T>(symbol: string, where: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      return this.fail(err, symbol, where);
    }
  }

  /** Rethrows what a strategy threw as a StrategyFailure naming the strategy, its file, the symbol and the bar. */
  private fail(err: unknown, symbol: string, where: string, ts?: number): never {
    if (err instanceof MtsError && (err.code === 'E_STRATEGY_KEY' || err.code === 'E_STRATEGY_FAILED')) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    const at = ts === undefined ? '' : ` at ${isoTime(ts)}`;
    throw new StrategyFailure(`strategy ${this.label} failed in ${where} for ${symbol}${at}: ${msg}`, { strategy: this.strategy.name, symbol }, err);
  }

  private assetAt(symbol: string): BarView | undefined {
    const v = this.assetViews.get(symbol);
    if (!v) return undefined;
    return v.seekClosedBy(this.ctx.now, this.barMs) < 0 ? undefined : v;
  }

  bars(symbol: string): CandleColumns {
    const c = this.data.candles.get(symbol);
    if (!c) throw new InputError('E_SYMBOL', `strategy ${this.label}: no candles loaded for ${symbol}`);
    return c;
  }

  firstIndex(_symbol: string): number {
    return this.warmup;
  }

  closeTime(symbol: string, index: number): number {
    return this.bars(symbol).ts[index] + this.barMs;
  }

  /** The decision at the close of bar `index` of `symbol`. */
  onBar(symbol: string, index: number): readonly Signal[] {
    const out = this.intentsAt(symbol, index);
    if (!out) return NO_SIGNALS;
    const view = this.lastView as SeriesView;
    if (!Array.isArray(out)) {
      // one intent (the usual case): one array of exactly one signal, no array of intents and no growing one
      const s = this.toSignal(out as SignalIntent, symbol, view);
      this.trackImplied(s);
      return [s];
    }
    const signals: Signal[] = [];
    for (const intent of out as SignalIntent[]) {
      if (!intent) continue;
      const s = this.toSignal(intent, symbol, view);
      signals.push(s);
      this.trackImplied(s);
    }
    return signals;
  }

  /**
   * The same decision handed to `order` intent by intent, as what to order (symbol, side, size, stop, target),
   * without making Signal objects: for a driver that needs nothing else of a signal (the backtest loop without a
   * risk gate; ~40,000 signals in a 1M-bar sma_cross run). The same checks, defaults and errors as onBar (pinned by
   * src/strategies/runner.test.ts). Returns how many intents were ordered.
   */
  decide(symbol: string, index: number, order: OrderSink): number {
    if (this.tracksImplied) {
      const signals = this.onBar(symbol, index);
      for (const s of signals) order(s.symbol, s.side, s.size, s.stopLoss, s.takeProfit);
      return signals.length;
    }
    const out = this.intentsAt(symbol, index);
    if (!out) return 0;
    if (!Array.isArray(out)) {
      this.orderIntent(out as SignalIntent, symbol, order);
      return 1;
    }
    let n = 0;
    for (const intent of out as SignalIntent[]) {
      if (!intent) continue;
      this.orderIntent(intent, symbol, order);
      n++;
    }
    return n;
  }

  /** What the strategy returns at the close of bar `index` (the runner's view and context moved there), or null. */
  private intentsAt(symbol: string, index: number): ReturnType<AnyStrategy['onBar']> | null {
    let view = this.lastView;
    if (symbol !== this.lastSymbol || view === undefined) {
      view = this.views.get(symbol);
      if (!view) throw new InputError('E_SYMBOL', `strategy ${this.label}: ${symbol} is not one of its symbols (${this.symbols.join(', ')})`);
      this.lastSymbol = symbol;
      this.lastView = view;
      this.lastWhen = this.whenSeries.get(symbol);
    }
    if (index < this.warmup || index >= view.candles.length) return null;
    view.index = index;
    if (this.tracksImplied) this.exitImpliedAtLevels(symbol, view, index);
    // the strategy promised no signal where its when series is 0 (NaN and non-zero: decide as usual)
    const when = this.lastWhen;
    if (when !== undefined && when[index] === 0) return null;
    const ctx = this.ctx;
    ctx.now = view.candles.ts[index] + this.barMs;
    ctx.symbol = symbol;
    ctx.bar = view;
    // inline try/catch rather than guard(): no closure allocated per bar
    try {
      return this.strategy.onBar(ctx);
    } catch (err) {
      this.fail(err, symbol, 'onBar', ctx.now);
    }
  }

  /** When it tracks signal-implied positions: the position a signal implies (a CLOSE ends it). */
  private trackImplied(s: Signal): void {
    if (!this.tracksImplied) return;
    if (s.side === 'CLOSE') this.implied.delete(s.symbol);
    else this.implied.set(s.symbol, { side: s.side, stopLoss: s.stopLoss, takeProfit: s.takeProfit });
  }

  /** A signal-implied position ends when a bar touches its stop or target, as a bracket order would. */
  private exitImpliedAtLevels(symbol: string, view: SeriesView, index: number): void {
    const p = this.implied.get(symbol);
    if (!p) return;
    const hi = view.candles.high[index];
    const lo = view.candles.low[index];
    const long = p.side === 'LONG';
    const stopped = p.stopLoss !== null && (long ? lo <= p.stopLoss : hi >= p.stopLoss);
    const reached = p.takeProfit !== null && (long ? hi >= p.takeProfit : lo <= p.takeProfit);
    if (stopped || reached) this.implied.delete(symbol);
  }

  private bad(symbol: string, what: string): never {
    throw new StrategyFailure(`strategy ${this.label} returned a bad signal for ${symbol} at ${isoTime(this.ctx.now)}: ${what}`, { strategy: this.strategy.name, symbol }, undefined);
  }

  // The checks every intent passes, in this order: its side, the symbol it names, its confidence and size.
  // (No closures here: one is made per signal otherwise, and named under tsx, which shows on long runs.)

  private checkSide(intent: SignalIntent, symbol: string): void {
    const side = intent.side;
    if (side !== 'LONG' && side !== 'SHORT' && side !== 'CLOSE') this.bad(symbol, `side must be LONG, SHORT or CLOSE, got ${JSON.stringify(side)}`);
  }

  private checkAmounts(intent: SignalIntent, symbol: string): void {
    const confidence = intent.confidence ?? 1;
    if (!Number.isFinite(confidence)) this.bad(symbol, `confidence is ${confidence}`);
    const size = intent.size ?? 1;
    if (!Number.isFinite(size) || size < 0) this.bad(symbol, `size is ${size}`);
  }

  /** A checked intent handed to `order` (see decide). */
  private orderIntent(intent: SignalIntent, symbol: string, order: OrderSink): void {
    this.checkSide(intent, symbol);
    const target = intent.symbol ?? symbol;
    if (target !== symbol && !this.assetAt(target)) this.bad(symbol, `no bar of ${target} closed by then`);
    this.checkAmounts(intent, symbol);
    order(target, intent.side, intent.size ?? 1, level(intent.stopLoss), level(intent.takeProfit));
  }

  private toSignal(intent: SignalIntent, symbol: string, view: SeriesView): Signal {
    this.checkSide(intent, symbol);
    const target = intent.symbol ?? symbol;
    let price = view.close();
    if (target !== symbol) {
      const other = this.assetAt(target);
      if (!other) this.bad(symbol, `no bar of ${target} closed by then`);
      price = other!.close();
    }
    this.checkAmounts(intent, symbol);
    const size = intent.size ?? 1;
    const c = Math.min(1, Math.max(0, intent.confidence ?? 1));
    const signal: Signal = {
      ts: this.ctx.now,
      strategy: this.strategy.name,
      symbol: target,
      side: intent.side,
      confidence: c,
      strength: intent.strength ?? strengthFromConfidence(c),
      price,
      size,
      stopLoss: level(intent.stopLoss),
      takeProfit: level(intent.takeProfit),
    };
    // meta stays the last key, as before (documents are compared byte for byte)
    if (intent.meta) signal.meta = intent.meta;
    return signal;
  }

  /** Runs every symbol over the bars closing in [from, to], in time order (ties in symbol order). */
  run(opts: { from?: number; to?: number; onSignal?: (s: Signal) => void } = {}): Signal[] {
    const from = opts.from ?? Number.NEGATIVE_INFINITY;
    const to = opts.to ?? Number.POSITIVE_INFINITY;
    const syms = this.symbols;
    const next = new Int32Array(syms.length);
    const closes = syms.map((s) => this.closeTimesOf(s));
    for (let k = 0; k < syms.length; k++) {
      let i = this.warmup;
      while (i < closes[k].length && closes[k][i] < from) i++;
      next[k] = i;
    }
    const out: Signal[] = [];
    for (;;) {
      let best = -1;
      let bestT = Number.POSITIVE_INFINITY;
      for (let k = 0; k < syms.length; k++) {
        const i = next[k];
        if (i < closes[k].length && closes[k][i] < bestT) {
          bestT = closes[k][i];
          best = k;
        }
      }
      if (best < 0 || bestT > to) break;
      const signals = this.onBar(syms[best], next[best]++);
      for (const s of signals) {
        out.push(s);
        opts.onSignal?.(s);
      }
    }
    return out;
  }
}
