/**
 * The backtest event loop (SPEC §10). One virtual clock walks the base bars of every symbol in time order; at each
 * moment events happen in this order:
 *   market  — each symbol's bar opens: queued orders fill at the open (execution simulator), brackets are checked
 *             over the bar's range, positions are marked at the close;
 *   signal  — every strategy bar that closes at this moment is decided (the strategy sees bars up to it only);
 *   risk    — entries go through the risk gate (unless --no-risk), CLOSE signals never need approval;
 *   order   — approved orders are queued to fill at the symbol's next base bar open.
 * The hot path allocates nothing per bar; allocations happen only when a strategy emits a signal.
 */
import { MtsError } from '../core/errors.js';
import type { VirtualClock } from '../core/clock.js';
import { DAY_MS, isoTime, utcDay } from '../core/time.js';
import type { CandleColumns, PortfolioSnapshot, PositionSide, Signal } from '../core/types.js';
import { type CurveSummary, CurveStats } from '../analytics/metrics.js';
import type { CostModel } from '../execution/costs.js';
import type { OrderSink } from '../strategies/runner.js';
import { ExecutionSimulator, OrderKind, type TradeRecord } from '../execution/simulator.js';

/** What the loop needs from a strategy driver; the StrategyRunner is one. */
export interface BarDecider {
  readonly symbols: readonly string[];
  readonly barMs: number;
  bars(symbol: string): CandleColumns;
  firstIndex(symbol: string): number;
  onBar(symbol: string, index: number): readonly Signal[];
  /**
   * Optional: the same decision handed to `order` intent by intent (what to order, no Signal objects); the loop
   * uses it when nothing else of a signal is needed (no risk gate). The StrategyRunner has it.
   */
  decide?(symbol: string, index: number, order: OrderSink): number;
  /** Optional: per strategy bar, 0 where onBar would return no signal (the loop then skips the call). */
  activeBars?(symbol: string): Float64Array | undefined;
}

/** Where the signal's symbol stands at decision time (its base bars up to and including `index`). */
export interface MarketWindow {
  candles: CandleColumns;
  index: number;
  baseMs: number;
}

export interface GateDecision {
  approved: boolean;
  size: number;
  stopLoss: number | null;
  takeProfit: number | null;
  reasons: string[];
}

/** The risk orchestrator as the loop sees it (see risk-gate.ts). */
export interface RiskGate {
  decide(signal: Signal, portfolio: PortfolioSnapshot, market: MarketWindow): GateDecision;
  tradeClosed?(trade: TradeRecord): void;
}

export interface BacktestSettings {
  /** Candles that fills happen on, per symbol (the base timeframe, e.g. 1h), oldest first. */
  base: ReadonlyMap<string, CandleColumns>;
  baseMs: number;
  /** Only base bars opening in [from, to] are traded; earlier data is warm-up. */
  from?: number;
  to?: number;
  cash: number;
  costs: CostModel;
  /** --size: replaces every signal's size (before the risk gate, which sizes as configured). */
  sizeOverride?: number | null;
  /** null = --no-risk. */
  risk?: RiskGate | null;
  clock?: VirtualClock;
  onProgress?: (done: number, total: number) => void;
  /**
   * 'auto' (default) takes the single-symbol loop when one symbol is traded and decided on; 'general' always takes
   * the multi-symbol loop. Both give the same outcome (pinned by test/backtest-fast-path.test.ts).
   */
  loop?: 'auto' | 'general';
  /**
   * Whether to keep the equity curve as arrays (default true). The metrics never need them (the loop summarizes the
   * curve as it goes, `BacktestOutcome.stats`); a caller after metrics only (the optimizer) leaves them out.
   */
  curve?: boolean;
}

export interface RiskRejection {
  ts: number;
  symbol: string;
  side: Signal['side'];
  reasons: string[];
}

export interface BacktestOutcome {
  sim: ExecutionSimulator;
  /**
   * Equity points: the start (initial cash at the first bar's open), then every base bar's close (empty arrays when
   * the settings ask for no curve).
   */
  curveTs: Float64Array;
  curveEquity: Float64Array;
  /** What the metrics read of the curve, made by the loop point by point (the same with or without the arrays). */
  stats: CurveSummary;
  /** Steps (distinct base-bar times) traded, and how many ended with a position open. */
  steps: number;
  stepsInMarket: number;
  from: number;
  to: number;
  signals: number;
  rejections: RiskRejection[];
  /** Orders still queued at the end (a signal on the last bar has no next open to fill at). */
  unfilled: number;
}

/** What the loop reports to and calls besides the simulator. */
interface LoopControl {
  clock: VirtualClock | undefined;
  onProgress: ((done: number, total: number) => void) | undefined;
  tradeClosed: ((t: TradeRecord) => void) | undefined;
  progressEvery: number;
  stats: CurveStats;
  /** Whether the curve arrays are written. */
  curve: boolean;
}

/** A strategy failed mid-run: names the bar, its time and the error. */
export class BacktestFailure extends MtsError {
  constructor(message: string, details: Record<string, unknown>, cause: unknown) {
    // give_up: the run cannot go on, and a failed run exits 1 (not 2, which means a usage error)
    super('give_up', 'E_BACKTEST_STRATEGY', message, details, { cause });
  }
}

/** The first index of ascending ts[0, n) with ts >= x (orEqual false) or ts > x (orEqual true); n if none. */
function firstAfter(ts: Float64Array, n: number, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < x || (orEqual && ts[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The distinct base-bar open times of every symbol in [from, to], ascending. */
function timeline(base: ReadonlyMap<string, CandleColumns>, from: number, to: number): Float64Array {
  const cols = [...base.values()];
  if (cols.length === 1) {
    // bars are oldest first: the period's ends by binary search
    const c = cols[0];
    const a = firstAfter(c.ts, c.length, from, false);
    const b = firstAfter(c.ts, c.length, to, true);
    return c.ts.subarray(a, Math.max(a, b));
  }
  const all = new Set<number>();
  for (const c of cols) for (let i = 0; i < c.length; i++) if (c.ts[i] >= from && c.ts[i] <= to) all.add(c.ts[i]);
  return Float64Array.from(all).sort();
}

export class Backtest {
  readonly sim: ExecutionSimulator;
  private readonly symbols: string[];
  private readonly cols: CandleColumns[];
  /** The columns of `cols` taken out once: the loop reads typed arrays, not fields of objects of varying shape. */
  private readonly colTs: Float64Array[];
  private readonly colOpen: Float64Array[];
  private readonly colHigh: Float64Array[];
  private readonly colLow: Float64Array[];
  private readonly colClose: Float64Array[];
  private readonly colVolume: Float64Array[];
  private readonly colLength: Int32Array;
  /** Per symbol: the next base bar not yet opened (so the latest bar seen is ptr − 1). */
  private ptr = new Int32Array(0);
  private lastSymbol = '';
  private lastK = -1;
  /** The sum of the values the loop reads ahead (kept, so that the compiler cannot drop those reads). */
  private readAhead = 0;
  /** The moment and outcome of the decision in progress, for `sink`. */
  private orderNow = 0;
  private orderOut: BacktestOutcome | undefined;
  /** Where a decider's `decide` hands what to order. */
  private readonly sink: OrderSink = (symbol, side, size, stopLoss, takeProfit) => this.place(symbol, side, size, stopLoss, takeProfit, this.orderNow, this.orderOut as BacktestOutcome);

  constructor(private readonly s: BacktestSettings) {
    this.symbols = [...s.base.keys()];
    this.cols = this.symbols.map((sym) => s.base.get(sym) as CandleColumns);
    this.colTs = this.cols.map((c) => c.ts);
    this.colOpen = this.cols.map((c) => c.open);
    this.colHigh = this.cols.map((c) => c.high);
    this.colLow = this.cols.map((c) => c.low);
    this.colClose = this.cols.map((c) => c.close);
    this.colVolume = this.cols.map((c) => c.volume);
    this.colLength = Int32Array.from(this.cols, (c) => c.length);
    this.sim = new ExecutionSimulator(this.symbols, s.cash, s.costs);
  }

  /** The position held in a symbol, for the strategy's `ctx.position()`. */
  readonly positionOf = (symbol: string): PositionSide | null => {
    const k = this.cachedIndex(symbol);
    if (k < 0) return null;
    const side = this.sim.side[k];
    return side > 0 ? 'LONG' : side < 0 ? 'SHORT' : null;
  };

  run(decider: BarDecider): BacktestOutcome {
    const { sim, cols, s } = this;
    const n = cols.length;
    const times = timeline(s.base, s.from ?? Number.NEGATIVE_INFINITY, s.to ?? Number.POSITIVE_INFINITY);
    const steps = times.length;
    const writeCurve = s.curve !== false && steps > 0;
    const curveTs = new Float64Array(writeCurve ? steps + 1 : 0);
    const curveEquity = new Float64Array(writeCurve ? steps + 1 : 0);
    const out: BacktestOutcome = { sim, curveTs, curveEquity, stats: new CurveStats().finish(), steps, stepsInMarket: 0, from: steps ? times[0] : Number.NaN, to: steps ? times[steps - 1] + s.baseMs : Number.NaN, signals: 0, rejections: [], unfilled: 0 };
    if (steps === 0) return out;
    const curveStats = new CurveStats();
    curveStats.add(times[0], s.cash);
    if (writeCurve) {
      curveTs[0] = times[0];
      curveEquity[0] = s.cash;
    }

    // Per-symbol cursors into the base bars; the bar at the current step (or -1).
    const ptr = new Int32Array(n);
    this.ptr = ptr;
    const cur = new Int32Array(n);
    for (let k = 0; k < n; k++) while (ptr[k] < cols[k].length && cols[k].ts[ptr[k]] < times[0]) ptr[k]++;

    // Per decided symbol: its strategy bars, the next one to decide, and where it stands in the base series.
    const dSyms = decider.symbols;
    const dBars = dSyms.map((sym) => decider.bars(sym));
    const dTs = dBars.map((b) => b.ts);
    const dLength = Int32Array.from(dBars, (b) => b.length);
    const dFirst = Int32Array.from(dSyms, (sym) => decider.firstIndex(sym));
    // bars where onBar would return nothing are not decided at all
    const dActive = dSyms.map((sym) => decider.activeBars?.(sym));
    const dNext = new Int32Array(dSyms.length);
    const stratMs = decider.barMs;
    for (let d = 0; d < dSyms.length; d++) {
      // Strategy bars that closed at or before the first open are history; their signals would fill before the start.
      while (dNext[d] < dLength[d] && dTs[d][dNext[d]] + stratMs <= times[0]) dNext[d]++;
    }

    let peak = s.cash;
    let nextDay = utcDay(times[0]) + DAY_MS;
    let dayStart = s.cash;
    let tradesSeen = 0;
    const progressEvery = Math.max(1, Math.floor(steps / 100));
    let progressLeft = progressEvery;
    const { side, qty, mark } = sim;
    // market, signal, risk and order events all happen at this clock's time; a clock nobody else holds is not moved
    // (times only go forward, so there is nothing for it to check)
    const clock = s.clock;
    const onProgress = s.onProgress;
    const tradeClosed = s.risk?.tradeClosed ? (t: TradeRecord) => s.risk?.tradeClosed?.(t) : undefined;
    const nDecided = dSyms.length;

    if (n === 1 && nDecided === 1 && dSyms[0] === this.symbols[0] && s.loop !== 'general') {
      const ctl: LoopControl = { clock, onProgress, tradeClosed, progressEvery, stats: curveStats, curve: writeCurve };
      this.runOne(decider, times, dBars[0], dFirst[0], dNext[0], dActive[0], ctl, out);
      if (sim.pendingKind[0] !== OrderKind.None) out.unfilled++;
      out.stats = curveStats.finish();
      s.onProgress?.(steps, steps);
      return out;
    }

    for (let step = 0; step < steps; step++) {
      const t = times[step];
      const closeTime = t + s.baseMs;
      if (clock) clock.set(t);
      this.market(t, cur);
      if (clock) clock.set(closeTime);
      // equity marked at the closes, and whether any position is open, in one pass (orders placed below only queue)
      let equity = sim.cash;
      let held = false;
      for (let k = 0; k < n; k++) {
        const sd = side[k];
        if (sd !== 0) {
          equity += sd * qty[k] * mark[k];
          held = true;
        }
      }
      if (equity > peak) peak = equity;
      if (closeTime >= nextDay) {
        dayStart = equity;
        nextDay = utcDay(closeTime) + DAY_MS;
      }
      if (tradeClosed && sim.tradeCount > tradesSeen) {
        for (; tradesSeen < sim.tradeCount; tradesSeen++) tradeClosed(sim.trade(tradesSeen));
      }
      // signal → risk → order
      for (let d = 0; d < nDecided; d++) {
        const ts = dTs[d];
        const len = dLength[d];
        for (let idx = dNext[d]; idx < len && ts[idx] + stratMs <= closeTime; idx = dNext[d]) {
          dNext[d] = idx + 1;
          if (idx < dFirst[d]) continue;
          const active = dActive[d];
          if (active !== undefined && active[idx] === 0) continue;
          this.decideAt(decider, dSyms[d], idx, ts[idx] + stratMs, closeTime, peak, dayStart, out);
        }
      }
      if (held) out.stepsInMarket++;
      curveStats.add(closeTime, equity);
      if (writeCurve) {
        curveTs[step + 1] = closeTime;
        curveEquity[step + 1] = equity;
      }
      if (onProgress && --progressLeft === 0) {
        progressLeft = progressEvery;
        onProgress(step, steps);
      }
    }
    for (let k = 0; k < n; k++) if (sim.pendingKind[k] !== OrderKind.None) out.unfilled++;
    out.stats = curveStats.finish();
    s.onProgress?.(steps, steps);
    return out;
  }

  /**
   * The loop of `run` for one symbol traded and decided on (the common case: a single-asset backtest), with the
   * same events in the same order; it skips the per-step search for which symbols have a bar (every step is the
   * next base bar) and the loops over symbols, and keeps its state in locals.
   */
  private runOne(decider: BarDecider, times: Float64Array, bars: CandleColumns, first: number, next: number, active: Float64Array | undefined, ctl: LoopControl, out: BacktestOutcome): void {
    const { sim, s, ptr } = this;
    const col = this.cols[0];
    const open = col.open;
    const high = col.high;
    const low = col.low;
    const close = col.close;
    const volume = col.volume;
    const { side, qty, mark, pendingKind } = sim;
    const { clock, onProgress, tradeClosed, progressEvery, stats } = ctl;
    const writeCurve = ctl.curve;
    const symbol = this.symbols[0];
    const baseMs = s.baseMs;
    const stratMs = decider.barMs;
    const dTs = bars.ts;
    const dLen = bars.length;
    const curveTs = out.curveTs;
    const curveEquity = out.curveEquity;
    const steps = times.length;
    let i = ptr[0];
    let peak = s.cash;
    let nextDay = utcDay(times[0]) + DAY_MS;
    let dayStart = s.cash;
    let tradesSeen = 0;
    let inMarket = 0;
    let progressLeft = progressEvery;
    // Quiet stretches: with the strategy deciding on the base bars themselves (so step i decides bar i, and only it
    // while the next bar opens later), no clock, progress or risk gate to serve, a bar with no order queued, no
    // bracket to check and no bar to decide only marks equity at its close; such runs of bars are taken at once.
    const { pendingKind: pk, stop, target } = sim;
    const quiet = active !== undefined && !clock && !onProgress && !s.risk && dTs === col.ts && stratMs === baseMs;
    const impact = sim.costs.impact > 0;
    const riskOn = !!s.risk;
    for (let step = 0; step < steps; step++, i++) {
      if (quiet && next === i && pk[0] === 0) {
        const sd = side[0];
        if (sd === 0 || (Number.isNaN(stop[0]) && Number.isNaN(target[0]))) {
          // the stretch [i, j): bars with nothing to decide (the last bar of the data is left to the full step).
          // Bars open in time order (strictly increasing ts), so step i decides bar i alone; the one check kept is
          // the bar after the stretch opening later than the stretch's last (else that step decides both).
          const lim = Math.min(i + steps - step, dLen - 1);
          let j = i < first ? Math.min(first, lim) : i;
          // Eight bars a turn while they are all quiet (a cache line of the series), reading as it goes one value
          // per cache line, a line ahead, of each column the step after the stretch will read and the stretch does
          // not (without a position: time, open, close; with one, the stretch reads times and closes: the open).
          // Those columns are then streamed by the hardware prefetcher instead of the step after each stretch
          // waiting on cold lines, which cost more than the reading (docs/benchmarks.md).
          let ahead = 0;
          if (sd === 0) {
            while (j + 8 <= lim && active[j] === 0 && active[j + 1] === 0 && active[j + 2] === 0 && active[j + 3] === 0 && active[j + 4] === 0 && active[j + 5] === 0 && active[j + 6] === 0 && active[j + 7] === 0) {
              ahead += dTs[j + 8] + open[j + 8] + close[j + 8];
              j += 8;
            }
          } else {
            while (j + 8 <= lim && active[j] === 0 && active[j + 1] === 0 && active[j + 2] === 0 && active[j + 3] === 0 && active[j + 4] === 0 && active[j + 5] === 0 && active[j + 6] === 0 && active[j + 7] === 0) {
              ahead += open[j + 8];
              j += 8;
            }
          }
          while (j < lim && active[j] === 0) j++;
          this.readAhead += ahead;
          if (j > i && !(dTs[j] > dTs[j - 1])) j--;
          if (j > i) {
            const cash = sim.cash;
            const sq = sd * qty[0];
            if (sd === 0) stats.addConstant(dTs, i, j, baseMs, cash);
            else {
              stats.addMarked(dTs, close, i, j, baseMs, cash, sq);
              inMarket += j - i;
            }
            if (writeCurve) {
              for (let k = i, p = step + 1; k < j; k++, p++) {
                curveTs[p] = dTs[k] + baseMs;
                curveEquity[p] = sd === 0 ? cash : cash + sq * close[k];
              }
            }
            step += j - i;
            i = j;
            ptr[0] = i;
            next = i;
            mark[0] = close[i - 1];
            if (step === steps) break;
          }
        }
      }
      const t = times[step];
      const closeTime = t + baseMs;
      if (clock) clock.set(t);
      // market: the bar at step is base bar i (times is this symbol's own ts). Only the columns a step needs are
      // read: after a quiet stretch the bar's cache lines are cold, and a full step with nothing to fill and no
      // bracket to check needs only the close (the volume only with the impact term).
      // (the open and the close are read together, so that their cache misses overlap: the open is needed by the
      // next step when this one queues an order, and is usually on the same cache line)
      ptr[0] = i + 1;
      const o = open[i];
      const c = close[i];
      if (pendingKind[0] !== 0) {
        mark[0] = o;
        sim.fillPending(0, t, o, impact ? volume[i] : Number.NaN);
      }
      if (side[0] !== 0 && !(Number.isNaN(stop[0]) && Number.isNaN(target[0]))) {
        mark[0] = o;
        sim.checkBrackets(0, t, o, high[i], low[i], impact ? volume[i] : Number.NaN);
      }
      mark[0] = c;
      if (clock) clock.set(closeTime);
      let equity = sim.cash;
      const sd = side[0];
      if (sd !== 0) equity += sd * qty[0] * mark[0];
      // the peak and the day's starting equity are for the risk gate's snapshot (quiet stretches run without one)
      if (riskOn) {
        if (equity > peak) peak = equity;
        if (closeTime >= nextDay) {
          dayStart = equity;
          nextDay = utcDay(closeTime) + DAY_MS;
        }
      }
      if (tradeClosed && sim.tradeCount > tradesSeen) {
        for (; tradesSeen < sim.tradeCount; tradesSeen++) tradeClosed(sim.trade(tradesSeen));
      }
      for (let idx = next; idx < dLen && dTs[idx] + stratMs <= closeTime; idx = next) {
        next = idx + 1;
        if (idx < first || (active !== undefined && active[idx] === 0)) continue;
        this.decideAt(decider, symbol, idx, dTs[idx] + stratMs, closeTime, peak, dayStart, out);
      }
      if (sd !== 0) inMarket++;
      stats.add(closeTime, equity);
      if (writeCurve) {
        curveTs[step + 1] = closeTime;
        curveEquity[step + 1] = equity;
      }
      if (onProgress && --progressLeft === 0) {
        progressLeft = progressEvery;
        onProgress(step, steps);
      }
    }
    out.stepsInMarket = inMarket;
  }

  private failure(err: unknown, symbol: string, idx: number, when: number): BacktestFailure {
    const msg = err instanceof Error ? err.message : String(err);
    return new BacktestFailure(`backtest stopped at bar ${idx} of ${symbol} (${isoTime(when)}): ${msg}`, { bar: idx, ts: when, symbol, error: msg }, err);
  }

  /** The market events of one moment: each symbol with a bar at t opens (fills), trades its range (brackets), closes. */
  private market(t: number, cur: Int32Array): void {
    const { sim, ptr, colTs, colOpen, colLength } = this;
    const n = colTs.length;
    const mark = sim.mark;
    for (let k = 0; k < n; k++) {
      const i = ptr[k];
      if (i < colLength[k] && colTs[k][i] === t) {
        cur[k] = i;
        ptr[k] = i + 1;
        mark[k] = colOpen[k][i];
      } else cur[k] = -1;
    }
    for (let k = 0; k < n; k++) {
      const i = cur[k];
      if (i < 0) continue;
      if (sim.pendingKind[k] !== 0) sim.fillPending(k, t, colOpen[k][i], this.colVolume[k][i]);
      if (sim.side[k] !== 0) sim.checkBrackets(k, t, colOpen[k][i], this.colHigh[k][i], this.colLow[k][i], this.colVolume[k][i]);
      mark[k] = this.colClose[k][i];
    }
  }

  /** A symbol's index in the simulator, or -1 (strategies and signals name the same symbol bar after bar: cached). */
  private cachedIndex(symbol: string): number {
    if (symbol !== this.lastSymbol) {
      this.lastK = this.sim.indexOf(symbol);
      this.lastSymbol = symbol;
    }
    return this.lastK;
  }

  /** The index of the symbol a signal names; a symbol with no base candles ends the run. */
  private symbolIndex(symbol: string, now: number): number {
    const k = this.cachedIndex(symbol);
    if (k < 0) {
      throw new BacktestFailure(`strategy signalled ${symbol} at ${isoTime(now)}, which has no base candles loaded (symbols: ${this.symbols.join(', ')})`, { symbol, ts: now }, undefined);
    }
    return k;
  }

  /** Queues what a signal asks for, with no risk gate: --size replaces an entry's size. */
  private place(symbol: string, side: Signal['side'], size: number, stop: number | null, target: number | null, now: number, out: BacktestOutcome): void {
    const { sim, s } = this;
    out.signals++;
    const k = this.symbolIndex(symbol, now);
    if (side === 'CLOSE') {
      sim.submit(k, OrderKind.Close, 0, null, null);
      return;
    }
    const kind = side === 'LONG' ? OrderKind.Long : OrderKind.Short;
    if (sim.side[k] === kind) return; // already holding that side: nothing to decide
    sim.submit(k, kind, s.sizeOverride !== undefined && s.sizeOverride !== null ? s.sizeOverride : size, stop, target);
  }

  /** Turns one signal into a queued order, through the risk gate for entries. */
  private order(signal: Signal, now: number, peak: number, dayStart: number, out: BacktestOutcome): void {
    const { sim, s } = this;
    if (!s.risk) {
      this.place(signal.symbol, signal.side, signal.size, signal.stopLoss, signal.takeProfit, now, out);
      return;
    }
    // --size replaces the signal's size before the risk orchestrator sees it (which then sizes as configured)
    const override = s.sizeOverride !== undefined && s.sizeOverride !== null && signal.side !== 'CLOSE';
    const sig = override ? { ...signal, size: s.sizeOverride as number } : signal;
    out.signals++;
    const k = this.symbolIndex(sig.symbol, now);
    if (sig.side === 'CLOSE') {
      sim.submit(k, OrderKind.Close, 0, null, null);
      return;
    }
    const kind = sig.side === 'LONG' ? OrderKind.Long : OrderKind.Short;
    if (sim.side[k] === kind) return; // already holding that side: nothing to decide
    const window = { candles: this.cols[k], index: this.ptr[k] - 1, baseMs: s.baseMs };
    const d = s.risk.decide(sig, sim.snapshot(now, peak, dayStart), window);
    if (!d.approved) {
      out.rejections.push({ ts: now, symbol: sig.symbol, side: sig.side, reasons: d.reasons });
      return;
    }
    sim.submit(k, kind, d.size, d.stopLoss, d.takeProfit);
  }

  /** Decides bar `idx` of `symbol` at `now` and queues what it asks for (through `decide` when it can). */
  private decideAt(decider: BarDecider, symbol: string, idx: number, when: number, now: number, peak: number, dayStart: number, out: BacktestOutcome): void {
    if (decider.decide !== undefined && !this.s.risk) {
      this.orderNow = now;
      this.orderOut = out;
      try {
        decider.decide(symbol, idx, this.sink);
      } catch (err) {
        if (err instanceof BacktestFailure) throw err; // from place(): already names what is wrong
        throw this.failure(err, symbol, idx, when);
      }
      return;
    }
    let signals: readonly Signal[];
    try {
      signals = decider.onBar(symbol, idx);
    } catch (err) {
      throw this.failure(err, symbol, idx, when);
    }
    for (let j = 0; j < signals.length; j++) this.order(signals[j], now, peak, dayStart, out);
  }
}
