/**
 * The Strategy contract. A strategy is a plain object made with `defineStrategy`; the same object runs in signal
 * generation, backtests and paper trading, which differ only in the feed and the clock that drive it.
 *
 * Look-ahead is impossible by construction: a strategy reads bars through views whose accessors stop at the
 * current bar (reading further returns NaN), macro series through an as-of join that only yields observations
 * already published at the bar's close, and precomputed series (`ctx.precompute`) only at indexes <= the current
 * one; the runner checks every precomputed series for causality (full data vs a prefix) before trusting it.
 */
import type { CandleColumns, PositionSide, Signal, SignalSide, SignalStrength } from '../core/types.js';
import { type Timeframe, TIMEFRAMES } from '../core/time.js';

export type ParamValue = number | boolean | string;

export interface ParamSpec<T extends ParamValue = ParamValue> {
  default: T;
  min?: number;
  max?: number;
  /** For number params: only whole numbers. */
  integer?: boolean;
  /** For string params: the allowed values. */
  options?: readonly string[];
  description?: string;
}

export type ParamSpecs = Record<string, ParamSpec>;

/** Parameter values as the strategy sees them, typed from the specs. */
export type ParamsOf<S extends ParamSpecs> = {
  [K in keyof S]: S[K]['default'] extends number ? number : S[K]['default'] extends boolean ? boolean : string;
};

/** One symbol's bars up to and including the current bar. `ago` = 0 is the current bar; past the start → NaN. */
export interface BarView {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Bars visible (current index + 1). */
  readonly length: number;
  /** Index of the current bar in this symbol's series (what precomputed series are indexed by). */
  readonly index: number;
  ts(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  /** A precomputed series' value `ago` bars back (NaN before it starts). */
  value(key: string, ago?: number): number;
  /** The last `n` values of a field or precomputed series, ending at the current bar (a copy; allocation). */
  window(field: 'open' | 'high' | 'low' | 'close' | 'volume' | (string & {}), n: number): Float64Array;
}

/** A macro series as known at the current bar's close (SPEC §4 as-of join: value of day D usable from D+1 00:00 UTC). */
export interface MacroView {
  readonly series: string;
  /** The latest published value `ago` observations back (carried forward over weekends/holidays); NaN if none yet. */
  value(ago?: number): number;
  /** Publication-day values, one per calendar day, the last `days` days ending today (NaN where none yet). */
  daily(days: number): Float64Array;
}

/** What a strategy returns from onBar: the runner fills in ts, strategy, symbol and price. */
export interface SignalIntent {
  symbol?: string;
  side: SignalSide;
  confidence?: number;
  strength?: SignalStrength;
  size?: number;
  stopLoss?: number | null;
  takeProfit?: number | null;
  meta?: Record<string, unknown>;
}

export interface PrecomputeContext<P> {
  readonly params: P;
  readonly symbol: string;
  /** The symbol's whole series, for causal batch kernels (indicators). Checked for look-ahead by the runner. */
  readonly candles: CandleColumns;
  readonly timeframe: Timeframe;
  /** Every symbol loaded for this run (its own universe plus the ones it reads through assetClose/asset). */
  readonly symbols: readonly string[];
  /**
   * A macro series aligned to this symbol's bars: element i is the value known at bar i's close (as-of join,
   * carried forward; NaN before the first publication). Empty series → all NaN.
   */
  macro(series: string): Float64Array;
  /** Another symbol's closes aligned to this symbol's bars (its latest bar closed at or before bar i's close; NaN before it starts). */
  assetClose(symbol: string): Float64Array | undefined;
}

export interface BarContext<P> {
  readonly params: P;
  /** The close time of the current bar: the moment this decision is made. */
  readonly now: number;
  readonly symbol: string;
  /** This symbol's bars. */
  readonly bar: BarView;
  /** Another symbol's bars, as of the same moment (undefined when not loaded or not started yet). */
  asset(symbol: string): BarView | undefined;
  /** Symbols this run covers. */
  readonly symbols: readonly string[];
  macro(series: string): MacroView;
  /** The position this strategy holds in a symbol (default: the current one), or null when flat. */
  position(symbol?: string): PositionSide | null;
}

export interface StrategyDefinition<S extends ParamSpecs = ParamSpecs> {
  name: string;
  description: string;
  /** Bar timeframe onBar is called on; stored candles are resampled to it when needed. Default 1h. */
  timeframe?: Timeframe;
  /** Default universe. */
  symbols?: readonly string[];
  /** Macro series it reads. */
  macro?: readonly string[];
  params: S;
  /** History needed before the first decision, in bars of the timeframe it runs on (convert days with `barsIn`). */
  warmupBars: (params: ParamsOf<S>, timeframe: Timeframe) => number;
  /** Causal series computed once per symbol over the whole series; read with `bar.value(key)`. */
  precompute?: (ctx: PrecomputeContext<ParamsOf<S>>) => Record<string, Float64Array>;
  /**
   * Optional: the key of a precomputed series saying on which bars onBar can act. Where it is 0, the strategy
   * promises onBar returns no signal whatever the position held, and the runner does not call it there; anywhere
   * else (non-zero or NaN) onBar is called as usual. The runner checks the promise on the look-ahead prefix (onBar is
   * called on skipped bars with every position and must return nothing), so such an onBar must not keep state
   * between calls. sma_cross declares its cross column.
   */
  when?: string;
  /** Called at the close of every bar after warm-up, per symbol (except where `when` says it cannot act). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a user's onBar may end without a return statement
  onBar: (ctx: BarContext<ParamsOf<S>>) => SignalIntent | readonly SignalIntent[] | null | undefined | void;
}

export interface Strategy<S extends ParamSpecs = ParamSpecs> extends StrategyDefinition<S> {
  readonly kind: 'mts.strategy';
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  readonly macro: readonly string[];
  /** Fills defaults and checks values against the specs; throws an InputError naming the parameter. */
  resolveParams(overrides?: Record<string, unknown>): ParamsOf<S>;
}

export type AnyStrategy = Strategy<any>;

/**
 * Bars of `timeframe` in a duration of `days` (whole bars, at least 1): how strategies turn their windows in time
 * into bar counts, so a 14-day window is 14 daily bars or 336 hourly bars, never 14 rows of unknown spacing.
 */
export function barsIn(days: number, timeframe: Timeframe): number {
  return Math.max(1, Math.round((days * 86_400_000) / TIMEFRAMES[timeframe]));
}

export function isStrategy(x: unknown): x is AnyStrategy {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'mts.strategy';
}

export type { Signal };
