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
  curve: EquityCurve;
  /** Closed trades (positions still open at the end are not counted). */
  trades: readonly ClosedTrade[];
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
  return curvePass(curve).returns;
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
  return curvePass(curve).dd;
}

/**
 * One walk over the curve for everything computeMetrics reads from it: the daily returns (the equity as of each
 * 00:00 UTC, as in dailyEquity, and each day's change), the deepest drawdown with its recovery (the first point
 * after the trough back at the peak: reset whenever a deeper trough is found), and the sum of the equity.
 * No array per point: a 1M-bar curve is read once.
 */
function curvePass(curve: EquityCurve): { returns: number[]; dd: Drawdown; eqSum: number } {
  const dd: Drawdown = { maxDrawdown: 0, peakTs: null, troughTs: null, recoveryTs: null, durationMs: 0 };
  const returns: number[] = [];
  const n = curve.length;
  if (n === 0) return { returns, dd, eqSum: 0 };
  const ts = curve.ts;
  const eq = curve.equity;
  const last = ts[n - 1];
  let day = Math.ceil(ts[0] / DAY_MS) * DAY_MS;
  let prevDaily = 0;
  let days = 0;
  let eqSum = 0;
  let peak = eq[0];
  let peakTs = ts[0];
  let worst = 0;
  let worstPeak = Number.NaN;
  let troughTs = Number.NaN;
  let recoveryTs = Number.NaN;
  for (let i = 0; i < n; i++) {
    const e = eq[i];
    const t = ts[i];
    eqSum += e;
    if (e > peak) {
      peak = e;
      peakTs = t;
    }
    const fall = peak > 0 ? 1 - e / peak : 0;
    if (fall > worst) {
      worst = fall;
      dd.peakTs = peakTs;
      troughTs = t;
      worstPeak = peak;
      recoveryTs = Number.NaN;
    } else if (Number.isNaN(recoveryTs) && t > troughTs && e >= worstPeak) {
      recoveryTs = t;
    }
    // this point is the equity as of every midnight before the next point (the last: up to its own time)
    const until = i + 1 < n ? ts[i + 1] : Number.NaN;
    while (i + 1 < n ? day < until : day <= last) {
      if (days++ > 0) returns.push(e / prevDaily - 1);
      prevDaily = e;
      day += DAY_MS;
    }
  }
  if (dd.peakTs !== null) {
    dd.maxDrawdown = worst;
    dd.troughTs = troughTs;
    dd.recoveryTs = Number.isNaN(recoveryTs) ? null : recoveryTs;
    dd.durationMs = (dd.recoveryTs ?? last) - dd.peakTs;
  }
  return { returns, dd, eqSum };
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
  const { curve, trades, initialCash } = inp;
  const finalEquity = curve.length > 0 ? curve.equity[curve.length - 1] : initialCash;
  const totalReturn = finalEquity / initialCash - 1;
  const spanMs = curve.length > 1 ? curve.ts[curve.length - 1] - curve.ts[0] : 0;
  const years = spanMs / YEAR_MS;
  const cagr = years > 0 ? (finalEquity > 0 ? (finalEquity / initialCash) ** (1 / years) - 1 : -1) : null;

  const pass = curvePass(curve);
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
  for (const t of trades) {
    pnlSum += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss -= t.pnl;
    }
  }
  const n = trades.length;
  const avgEquity = curve.length > 0 ? pass.eqSum / curve.length : initialCash;

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
