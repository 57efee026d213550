/**
 * Performance metrics of SPEC §10, from an equity curve and a trade list. Every definition is in docs/backtest.md;
 * a value that does not exist (Sharpe of a flat curve, profit factor without a losing trade) is null, never NaN.
 */
import { DAY_MS } from '../core/time.js';

export const YEAR_MS = 365 * DAY_MS;
const SQRT_365 = Math.sqrt(365);

export interface EquityCurve {
  /** Points in time order; ts is when the equity was measured (a bar's close time; the first is the start). */
  readonly ts: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly length: number;
}

/** The fields of a trade the metrics need (closed trades only). */
export interface ClosedTrade {
  pnl: number;
}

export interface MetricInputs {
  /** The equity curve, or its summary (from CurveStats, made while the curve was). */
  curve: EquityCurve | CurveSummary;
  /** Closed trades, or just their net P&L (positions still open at the end are not counted). */
  trades: readonly ClosedTrade[] | Float64Array;
  initialCash: number;
  fees: number;
  /** Σ fill price × quantity over all fills. */
  tradedNotional: number;
  /** Share of bars that ended with a position open, 0..1. */
  exposure: number;
  /** Annual risk-free rate as a fraction (default 0). */
  riskFree?: number;
}

export interface Metrics {
  total_return: number;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown: number;
  max_drawdown_duration_ms: number;
  max_drawdown_peak_ts: number | null;
  max_drawdown_trough_ts: number | null;
  max_drawdown_recovery_ts: number | null;
  calmar: number | null;
  trades: number;
  win_rate: number | null;
  profit_factor: number | null;
  avg_win: number | null;
  avg_loss: number | null;
  expectancy: number | null;
  exposure: number;
  turnover: number;
  fees: number;
  final_equity: number;
}

/** Equity as of each 00:00 UTC from the first midnight at or after the start to the last one at or before the end. */
export function dailyEquity(curve: EquityCurve): { ts: number[]; equity: number[] } {
  const ts: number[] = [];
  const equity: number[] = [];
  if (curve.length === 0) return { ts, equity };
  const last = curve.ts[curve.length - 1];
  let day = Math.ceil(curve.ts[0] / DAY_MS) * DAY_MS;
  let i = 0;
  for (; day <= last; day += DAY_MS) {
    while (i + 1 < curve.length && curve.ts[i + 1] <= day) i++;
    ts.push(day);
    equity.push(curve.equity[i]);
  }
  return { ts, equity };
}

export function dailyReturns(curve: EquityCurve): number[] {
  return summarizeCurve(curve).returns;
}

export interface Drawdown {
  maxDrawdown: number;
  peakTs: number | null;
  troughTs: number | null;
  /** First time equity got back to the peak after the trough; null if it never did. */
  recoveryTs: number | null;
  /** Peak to recovery, or peak to the end of the curve when not recovered. */
  durationMs: number;
}

/** The deepest fall from a running peak, over every point of the curve. */
export function maxDrawdown(curve: EquityCurve): Drawdown {
  return summarizeCurve(curve).dd;
}

/** Everything computeMetrics reads from an equity curve, without the curve itself. */
export interface CurveSummary {
  /** Points seen, the first and last point's time, and the last point's equity. */
  count: number;
  firstTs: number;
  lastTs: number;
  finalEquity: number;
  /** Each day's change of the equity as of 00:00 UTC (see dailyEquity). */
  returns: number[];
  dd: Drawdown;
  /** Σ equity over the points (for the average equity of turnover). */
  eqSum: number;
}

/**
 * The equity curve read point by point as it is made, for everything computeMetrics needs of it: the daily returns
 * (the equity as of each 00:00 UTC, as in dailyEquity, and each day's change), the deepest drawdown with its recovery
 * (the first point after the trough back at the peak: reset whenever a deeper trough is found), and the sum of the
 * equity. The backtest loop feeds it as it goes, so a run needs no curve array to be measured; summarizeCurve feeds
 * it a finished curve. Either way the same operations run in the same order, so the figures are the same bits.
 */
export class CurveStats {
  count = 0;
  eqSum = 0;
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  lastEq = Number.NaN;
  // drawdown: the running peak, the deepest fall so far (its peak, trough and recovery)
  private peak = 0;
  private peakTs = 0;
  private worst = 0;
  private worstPeakTs = Number.NaN;
  private worstPeak = Number.NaN;
  private troughTs = Number.NaN;
  private recoveryTs = Number.NaN;
  // daily: the next midnight to take an equity for, the one before it, and how many were taken
  private day = Number.NaN;
  private prevDaily = 0;
  private days = 0;
  private readonly returns: number[] = [];

  /** The next point (times strictly increasing). */
  add(t: number, e: number): void {
    if (this.count === 0) {
      this.firstTs = t;
      this.day = Math.ceil(t / DAY_MS) * DAY_MS;
      this.peak = e;
      this.peakTs = t;
    } else if (this.day < t) {
      this.midnights(t);
    }
    this.count++;
    this.eqSum += e;
    if (e > this.peak) {
      this.peak = e;
      this.peakTs = t;
    }
    const fall = this.peak > 0 ? 1 - e / this.peak : 0;
    if (fall > this.worst) {
      this.worst = fall;
      this.worstPeakTs = this.peakTs;
      this.troughTs = t;
      this.worstPeak = this.peak;
      this.recoveryTs = Number.NaN;
    } else if (Number.isNaN(this.recoveryTs) && t > this.troughTs && e >= this.worstPeak) {
      this.recoveryTs = t;
    }
    this.lastTs = t;
    this.lastEq = e;
  }

  /**
   * `count` points of equity e from time `first` to time `last` (a stretch with no position: the equity stays the
   * cash). After the first, such points change neither the peak nor the deepest fall (the same equity against the
   * same peak), nor its recovery unless one is due (then they are taken one by one), and every midnight before
   * `last` takes e: so only the midnights and the sum are taken, without the points' own times.
   */
  addConstant(ts: Float64Array, from: number, to: number, offset: number, e: number): void {
    if (from >= to) return;
    this.add(ts[from] + offset, e);
    if (Number.isNaN(this.recoveryTs) && e >= this.worstPeak) {
      for (let k = from + 1; k < to; k++) this.add(ts[k] + offset, e);
      return;
    }
    let eqSum = this.eqSum;
    for (let k = from + 1; k < to; k++) eqSum += e;
    this.eqSum = eqSum;
    this.count += to - from - 1;
    const last = ts[to - 1] + offset;
    if (this.day < last) this.midnights(last);
    this.lastTs = last;
  }

  /**
   * Points at ts[k] + offset for k in [from, to) of equity cash + qty × price[k] (a position held, marked at each
   * close): add() for each, with the state in locals for the length of the stretch (the same operations in the same
   * order; src/analytics/metrics-onepass.test.ts and test/backtest-evaluate.test.ts hold the two to the same bits).
   */
  addMarked(ts: Float64Array, price: Float64Array, from: number, to: number, offset: number, cash: number, qty: number): void {
    if (from >= to) return;
    if (this.count === 0) {
      this.add(ts[from] + offset, cash + qty * price[from]);
      from++;
    }
    let eqSum = this.eqSum;
    let peak = this.peak;
    let peakTs = this.peakTs;
    let worst = this.worst;
    let recoveryTs = this.recoveryTs;
    let troughTs = this.troughTs;
    let worstPeak = this.worstPeak;
    let day = this.day;
    let lastEq = this.lastEq;
    let t = this.lastTs;
    for (let k = from; k < to; k++) {
      t = ts[k] + offset;
      const e = cash + qty * price[k];
      if (day < t) {
        this.lastEq = lastEq;
        this.day = day;
        this.midnights(t);
        day = this.day;
      }
      eqSum += e;
      if (e > peak) {
        peak = e;
        peakTs = t;
      }
      const fall = peak > 0 ? 1 - e / peak : 0;
      if (fall > worst) {
        worst = fall;
        this.worstPeakTs = peakTs;
        troughTs = t;
        worstPeak = peak;
        recoveryTs = Number.NaN;
      } else if (Number.isNaN(recoveryTs) && t > troughTs && e >= worstPeak) {
        recoveryTs = t;
      }
      lastEq = e;
    }
    this.count += to - from;
    this.eqSum = eqSum;
    this.peak = peak;
    this.peakTs = peakTs;
    this.worst = worst;
    this.recoveryTs = recoveryTs;
    this.troughTs = troughTs;
    this.worstPeak = worstPeak;
    this.day = day;
    this.lastEq = lastEq;
    this.lastTs = t;
  }

  /** Every midnight before t takes the equity of the point before it (the latest one). */
  private midnights(t: number): void {
    const e = this.lastEq;
    while (this.day < t) {
      if (this.days++ > 0) this.returns.push(e / this.prevDaily - 1);
      this.prevDaily = e;
      this.day += DAY_MS;
    }
  }

  /** The summary; the last point's equity also stands for every midnight up to its own time. Call once, at the end. */
  finish(): CurveSummary {
    const dd: Drawdown = { maxDrawdown: 0, peakTs: null, troughTs: null, recoveryTs: null, durationMs: 0 };
    if (this.count === 0) return { count: 0, firstTs: Number.NaN, lastTs: Number.NaN, finalEquity: Number.NaN, returns: this.returns, dd, eqSum: 0 };
    const e = this.lastEq;
    while (this.day <= this.lastTs) {
      if (this.days++ > 0) this.returns.push(e / this.prevDaily - 1);
      this.prevDaily = e;
      this.day += DAY_MS;
    }
    if (!Number.isNaN(this.worstPeakTs)) {
      dd.maxDrawdown = this.worst;
      dd.peakTs = this.worstPeakTs;
      dd.troughTs = this.troughTs;
      dd.recoveryTs = Number.isNaN(this.recoveryTs) ? null : this.recoveryTs;
      dd.durationMs = (dd.recoveryTs ?? this.lastTs) - dd.peakTs;
    }
    return { count: this.count, firstTs: this.firstTs, lastTs: this.lastTs, finalEquity: e, returns: this.returns, dd, eqSum: this.eqSum };
  }
}

/** A finished curve's summary (the curve fed to CurveStats point by point). */
export function summarizeCurve(curve: EquityCurve): CurveSummary {
  const stats = new CurveStats();
  const ts = curve.ts;
  const eq = curve.equity;
  for (let i = 0; i < curve.length; i++) stats.add(ts[i], eq[i]);
  return stats.finish();
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1). */
function stdev(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function computeMetrics(inp: MetricInputs): Metrics {
  const { trades, initialCash } = inp;
  const pass = 'returns' in inp.curve ? inp.curve : summarizeCurve(inp.curve);
  const finalEquity = pass.count > 0 ? pass.finalEquity : initialCash;
  const totalReturn = finalEquity / initialCash - 1;
  const spanMs = pass.count > 1 ? pass.lastTs - pass.firstTs : 0;
  const years = spanMs / YEAR_MS;
  const cagr = years > 0 ? (finalEquity > 0 ? (finalEquity / initialCash) ** (1 / years) - 1 : -1) : null;

  const r = pass.returns;
  const rfDaily = (inp.riskFree ?? 0) / 365;
  let volatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (r.length >= 2) {
    const sd = stdev(r);
    const excess = mean(r) - rfDaily;
    volatility = sd * SQRT_365;
    sharpe = sd > 0 ? (excess / sd) * SQRT_365 : null;
    let down = 0;
    for (const x of r) if (x - rfDaily < 0) down += (x - rfDaily) ** 2;
    const dd = Math.sqrt(down / r.length);
    sortino = dd > 0 ? (excess / dd) * SQRT_365 : null;
  }

  const dd = pass.dd;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  const pnls = trades instanceof Float64Array ? trades : Float64Array.from(trades, (t) => t.pnl);
  for (let i = 0; i < pnls.length; i++) {
    const pnl = pnls[i];
    pnlSum += pnl;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
  }
  const n = trades.length;
  const avgEquity = pass.count > 0 ? pass.eqSum / pass.count : initialCash;

  return {
    total_return: totalReturn,
    cagr: cagr === null ? null : finiteOrNull(cagr),
    volatility,
    sharpe,
    sortino,
    max_drawdown: dd.maxDrawdown,
    max_drawdown_duration_ms: dd.durationMs,
    max_drawdown_peak_ts: dd.peakTs,
    max_drawdown_trough_ts: dd.troughTs,
    max_drawdown_recovery_ts: dd.recoveryTs,
    calmar: cagr !== null && dd.maxDrawdown > 0 ? finiteOrNull(cagr / dd.maxDrawdown) : null,
    trades: n,
    win_rate: n > 0 ? wins / n : null,
    profit_factor: grossLoss > 0 ? grossProfit / grossLoss : null,
    avg_win: wins > 0 ? grossProfit / wins : null,
    avg_loss: losses > 0 ? -grossLoss / losses : null,
    expectancy: n > 0 ? pnlSum / n : null,
    exposure: inp.exposure,
    turnover: avgEquity > 0 ? inp.tradedNotional / avgEquity : 0,
    fees: inp.fees,
    final_equity: finalEquity,
  };
}

/** Month-by-month returns from the equity as of each month's first 00:00 UTC (and the curve's ends). */
export function monthlyReturns(curve: EquityCurve): { month: string; return: number }[] {
  const out: { month: string; return: number }[] = [];
  if (curve.length < 2) return out;
  let startEq = curve.equity[0];
  let cur = new Date(curve.ts[0]).toISOString().slice(0, 7);
  for (let i = 1; i < curve.length; i++) {
    // An equity point at exactly 00:00 of the 1st closes the previous month.
    const m = new Date(curve.ts[i] - 1).toISOString().slice(0, 7);
    if (m !== cur) {
      out.push({ month: cur, return: curve.equity[i - 1] / startEq - 1 });
      startEq = curve.equity[i - 1];
      cur = m;
    }
  }
  out.push({ month: cur, return: curve.equity[curve.length - 1] / startEq - 1 });
  return out;
}
