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
  return Array.from(summarizeCurve(curve).returns);
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
  returns: Float64Array;
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
  /**
   * Σ equity in four lanes, point i into lane i mod 4, added up at the end: the same sum whether the points come
   * one by one or a stretch at a time, and a stretch adds four independent chains instead of one long one.
   */
  private readonly lanes = new Float64Array(4);
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
  /** The daily returns so far: rets[0, nRets), grown by doubling (a typed array: no boxed numbers, no GC work). */
  private rets = new Float64Array(64);
  private nRets = 0;

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
    this.lanes[this.count & 3] += e;
    this.count++;
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
   * Points at ts[k] + offset for k in [from, to), all of equity e (a stretch with no position: the equity stays the
   * cash). After the first, such points change neither the peak nor the deepest fall (the same equity against the
   * same peak) nor its recovery (the first point took it if it was due: times increase), and every midnight before
   * the last takes e: so only the sum and the midnights are taken, without reading the points' own times.
   */
  addConstant(ts: Float64Array, from: number, to: number, offset: number, e: number): void {
    if (from >= to) return;
    this.add(ts[from] + offset, e);
    this.sumConstant(to - from - 1, e);
    const last = ts[to - 1] + offset;
    if (this.day < last) this.midnights(last);
    this.lastTs = last;
  }

  /**
   * Points at ts[k] + offset for k in [from, to) of equity cash + qty × price[k] (a position held, marked at each
   * close): what add() does for each, in two passes over the stretch — the peak, deepest fall and sum point by point
   * with the state in locals, then the midnights, each taking the equity of the last point at or before it (found
   * by stepping a day's worth of bars at a time) — so that the per-point loop carries no daily bookkeeping. The same
   * operations on the same values in the same order as add() point by point: src/analytics/metrics-onepass.test.ts
   * and test/backtest-evaluate.test.ts hold the two to the same bits.
   */
  addMarked(ts: Float64Array, price: Float64Array, from: number, to: number, offset: number, cash: number, qty: number): void {
    if (from >= to) return;
    // the first point as add() takes it: it starts the summary, or takes the midnights before it (at the equity
    // of the point before the stretch)
    this.add(ts[from] + offset, cash + qty * price[from]);
    if (to - from === 1) return;
    this.sumMarked(price, from + 1, to, cash, qty);
    let peak = this.peak;
    let peakTs = this.peakTs;
    let worst = this.worst;
    let recoveryTs = this.recoveryTs;
    let troughTs = this.troughTs;
    let worstPeak = this.worstPeak;
    for (let k = from + 1; k < to; k++) {
      const t = ts[k] + offset;
      const e = cash + qty * price[k];
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
    }
    this.peak = peak;
    this.peakTs = peakTs;
    this.worst = worst;
    this.recoveryTs = recoveryTs;
    this.troughTs = troughTs;
    this.worstPeak = worstPeak;
    // Midnights from the next one due up to the last point (exclusive): the latest point at or before each. After
    // the first point every due midnight is at or after it, so the search starts there and only moves forward.
    const last = ts[to - 1] + offset;
    if (this.day < last) {
      const spacing = (ts[to - 1] - ts[from]) / (to - 1 - from);
      const stride = spacing > 0 ? Math.max(1, Math.floor(DAY_MS / spacing)) : 1;
      let k = from;
      let day = this.day;
      let prevDaily = this.prevDaily;
      let days = this.days;
      while (day < last) {
        let g = k + stride < to - 1 ? k + stride : to - 1;
        while (g > k && ts[g] + offset > day) g--;
        while (g + 1 < to && ts[g + 1] + offset <= day) g++;
        k = g;
        const e = cash + qty * price[k];
        if (days++ > 0) this.pushReturn(e / prevDaily - 1);
        prevDaily = e;
        day += DAY_MS;
      }
      this.day = day;
      this.prevDaily = prevDaily;
      this.days = days;
    }
    this.lastEq = cash + qty * price[to - 1];
    this.lastTs = last;
  }

  private pushReturn(r: number): void {
    if (this.nRets === this.rets.length) {
      const more = new Float64Array(this.rets.length * 2);
      more.set(this.rets);
      this.rets = more;
    }
    this.rets[this.nRets++] = r;
  }

  /** `m` more points of equity e into the sum lanes (and the count). */
  private sumConstant(m: number, e: number): void {
    let c = this.count;
    const end = c + m;
    // to a lane-0 point one at a time, then four at a time, then the rest one at a time
    const lanes = this.lanes;
    for (; c < end && (c & 3) !== 0; c++) lanes[c & 3] += e;
    let s0 = lanes[0];
    let s1 = lanes[1];
    let s2 = lanes[2];
    let s3 = lanes[3];
    for (; c + 4 <= end; c += 4) {
      s0 += e;
      s1 += e;
      s2 += e;
      s3 += e;
    }
    lanes[0] = s0;
    lanes[1] = s1;
    lanes[2] = s2;
    lanes[3] = s3;
    for (; c < end; c++) lanes[c & 3] += e;
    this.count = end;
  }

  /** Points of equity cash + qty × price[k] for k in [from, to) into the sum lanes (and the count). */
  private sumMarked(price: Float64Array, from: number, to: number, cash: number, qty: number): void {
    let c = this.count;
    let k = from;
    const lanes = this.lanes;
    for (; k < to && (c & 3) !== 0; k++, c++) lanes[c & 3] += cash + qty * price[k];
    let s0 = lanes[0];
    let s1 = lanes[1];
    let s2 = lanes[2];
    let s3 = lanes[3];
    for (; k + 4 <= to; k += 4, c += 4) {
      s0 += cash + qty * price[k];
      s1 += cash + qty * price[k + 1];
      s2 += cash + qty * price[k + 2];
      s3 += cash + qty * price[k + 3];
    }
    lanes[0] = s0;
    lanes[1] = s1;
    lanes[2] = s2;
    lanes[3] = s3;
    for (; k < to; k++, c++) lanes[c & 3] += cash + qty * price[k];
    this.count = c;
  }

  /** Every midnight before t takes the equity of the point before it (the latest one). */
  private midnights(t: number): void {
    const e = this.lastEq;
    while (this.day < t) {
      if (this.days++ > 0) this.pushReturn(e / this.prevDaily - 1);
      this.prevDaily = e;
      this.day += DAY_MS;
    }
  }

  /** The summary; the last point's equity also stands for every midnight up to its own time. Call once, at the end. */
  finish(): CurveSummary {
    const dd: Drawdown = { maxDrawdown: 0, peakTs: null, troughTs: null, recoveryTs: null, durationMs: 0 };
    if (this.count === 0) return { count: 0, firstTs: Number.NaN, lastTs: Number.NaN, finalEquity: Number.NaN, returns: new Float64Array(0), dd, eqSum: 0 };
    const e = this.lastEq;
    while (this.day <= this.lastTs) {
      if (this.days++ > 0) this.pushReturn(e / this.prevDaily - 1);
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
    const l = this.lanes;
    const eqSum = l[0] + l[1] + (l[2] + l[3]);
    return { count: this.count, firstTs: this.firstTs, lastTs: this.lastTs, finalEquity: e, returns: this.rets.slice(0, this.nRets), dd, eqSum };
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

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation (n − 1). */
function stdev(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) * (xs[i] - m);
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
    for (let i = 0; i < r.length; i++) if (r[i] - rfDaily < 0) down += (r[i] - rfDaily) ** 2;
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
