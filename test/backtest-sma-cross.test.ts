/**
 * The backtester against an independent reference: sma_cross on real BTC/USDT 1h candles 2022-01 .. 2025-12 with
 * fee 10 bps, slippage 5 bps, no risk, size 1. The reference below is a plain loop written from SPEC §7/§10
 * (different code, same rules); trades and final equity must agree to 1e-9, and the metrics must equal a hand
 * computation from the reference's own trades and equity.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/run.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { loadCsvCandles } from './helpers/real-candles.js';

const FEE = 10 / 10_000;
const SLIP = 5 / 10_000;
const CASH = 10_000;
const H = 3_600_000;
const D = 86_400_000;

interface RefTrade {
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  quantity: number;
  pnl: number;
  fees: number;
}

/** Plain moving average of the last n closes (NaN until n closes exist). */
function movingAverage(close: Float64Array, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < close.length; i++) {
    if (i + 1 < n) {
      out.push(Number.NaN);
      continue;
    }
    let s = 0;
    for (let j = i - n + 1; j <= i; j++) s += close[j];
    out.push(s / n);
  }
  return out;
}

function reference(c: ReturnType<typeof loadCsvCandles>) {
  const fast = movingAverage(c.close, 10);
  const slow = movingAverage(c.close, 30);
  let cash = CASH;
  let units = 0;
  let entry: { ts: number; price: number; fee: number } | null = null;
  let order: 'buy' | 'sell' | null = null;
  const trades: RefTrade[] = [];
  const points: [number, number][] = [[c.ts[0], CASH]];
  for (let i = 0; i < c.length; i++) {
    if (order === 'buy') {
      const price = c.open[i] * (1 + SLIP);
      units = cash / (price * (1 + FEE)); // flat: equity is the cash
      const fee = price * units * FEE;
      cash = Math.max(0, cash - price * units - fee);
      entry = { ts: c.ts[i], price, fee };
    } else if (order === 'sell' && entry) {
      const price = c.open[i] * (1 - SLIP);
      const fee = price * units * FEE;
      cash += price * units - fee;
      trades.push({ entryTs: entry.ts, entryPrice: entry.price, exitTs: c.ts[i], exitPrice: price, quantity: units, pnl: (price - entry.price) * units - entry.fee - fee, fees: entry.fee + fee });
      units = 0;
      entry = null;
    }
    order = null;
    points.push([c.ts[i] + H, cash + units * c.close[i]]);
    if (i === 0) continue;
    const up = fast[i] > slow[i] && fast[i - 1] <= slow[i - 1];
    const down = fast[i] < slow[i] && fast[i - 1] >= slow[i - 1];
    if (!entry && up) order = 'buy';
    if (entry && down) order = 'sell';
  }
  return { trades, points, open: entry, units, finalEquity: points[points.length - 1][1] };
}

/** Hand computation of the metrics from the reference's equity points and trades. */
function handMetrics(points: [number, number][], trades: RefTrade[]) {
  const daily: number[] = [];
  let j = 0;
  for (let day = Math.ceil(points[0][0] / D) * D; day <= points[points.length - 1][0]; day += D) {
    while (j + 1 < points.length && points[j + 1][0] <= day) j++;
    daily.push(points[j][1]);
  }
  const r = daily.slice(1).map((e, i) => e / daily[i] - 1);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  let peak = 0;
  let mdd = 0;
  for (const [, e] of points) {
    peak = Math.max(peak, e);
    mdd = Math.max(mdd, 1 - e / peak);
  }
  const years = (points[points.length - 1][0] - points[0][0]) / (365 * D);
  const final = points[points.length - 1][1];
  const wins = trades.filter((t) => t.pnl > 0);
  const losses = trades.filter((t) => t.pnl < 0);
  return {
    sharpe: (mean / sd) * Math.sqrt(365),
    maxDrawdown: mdd,
    cagr: (final / CASH) ** (1 / years) - 1,
    winRate: wins.length / trades.length,
    profitFactor: wins.reduce((a, t) => a + t.pnl, 0) / -losses.reduce((a, t) => a + t.pnl, 0),
  };
}

const close = (a: number, e: number) => Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e));

describe('sma_cross on real BTC/USDT 1h (2022–2025), fee 10 bps, slippage 5 bps, no risk, size 1', () => {
  const candles = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
  const ref = reference(candles);
  const { document: doc } = runBacktest({
    strategy: smaCross,
    base: new Map([['BTC/USDT', candles]]),
    baseTimeframe: '1h',
    cash: CASH,
    feeBps: 10,
    slippageBps: 5,
    sizeOverride: 1,
    risk: null,
  });

  it('covers the whole file and trades a few hundred times', () => {
    expect(candles.length).toBe(34_349);
    expect(doc.from).toBe(Date.UTC(2022, 0, 1));
    expect(ref.trades.length).toBeGreaterThan(100);
  });

  it('the trade list equals the reference to 1e-9', () => {
    const closed = doc.trades.filter((t) => t.exit_reason !== 'end_of_data');
    expect(closed.length).toBe(ref.trades.length);
    for (let i = 0; i < closed.length; i++) {
      const a = closed[i];
      const e = ref.trades[i];
      const same =
        a.entry_ts === e.entryTs && a.exit_ts === e.exitTs && a.side === 'LONG' && a.exit_reason === 'signal' &&
        close(a.entry_price, e.entryPrice) && close(a.exit_price as number, e.exitPrice) && close(a.quantity, e.quantity) && close(a.pnl, e.pnl) && close(a.fees, e.fees);
      if (!same) expect({ i, ...a }).toEqual({ i, ...e });
    }
    const open = doc.trades.filter((t) => t.exit_reason === 'end_of_data');
    expect(open.length).toBe(ref.open ? 1 : 0);
    if (ref.open) expect(open[0].entry_ts).toBe(ref.open.ts);
  });

  it('the final equity and the equity curve equal the reference to 1e-9', () => {
    expect(close(doc.metrics.final_equity, ref.finalEquity)).toBe(true);
    expect(doc.equity.length).toBe(ref.points.length);
    const bad = doc.equity.findIndex(([ts, e], i) => ts !== ref.points[i][0] || !close(e, ref.points[i][1]));
    expect(bad).toBe(-1);
  });

  it('Sharpe, max drawdown, CAGR, win rate and profit factor equal a hand computation', () => {
    const m = handMetrics(ref.points, ref.trades);
    const rel = (a: number | null, e: number) => expect(Math.abs((a as number) - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
    rel(doc.metrics.sharpe, m.sharpe);
    rel(doc.metrics.max_drawdown, m.maxDrawdown);
    rel(doc.metrics.cagr, m.cagr);
    rel(doc.metrics.win_rate, m.winRate);
    rel(doc.metrics.profit_factor, m.profitFactor);
    expect(doc.metrics.trades).toBe(ref.trades.length);
    rel(doc.metrics.fees, ref.trades.reduce((a, t) => a + t.fees, 0) + (ref.open?.fee ?? 0));
  });
});
