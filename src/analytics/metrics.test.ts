import { describe, expect, it } from 'vitest';
import { computeMetrics, dailyEquity, maxDrawdown, monthlyReturns } from './metrics.js';

const D = 86_400_000;
const H = 3_600_000;

function curve(points: [number, number][]) {
  return { ts: points.map((p) => p[0]), equity: points.map((p) => p[1]), length: points.length };
}

describe('metrics', () => {
  const c = curve([
    [0, 100],
    [D, 110],
    [2 * D, 99],
    [3 * D, 121],
  ]);

  it('Sharpe, Sortino and volatility from daily returns with √365 (hand computation)', () => {
    const r = [0.1, -0.1, 121 / 99 - 1];
    const m = (r[0] + r[1] + r[2]) / 3;
    const sd = Math.sqrt(((r[0] - m) ** 2 + (r[1] - m) ** 2 + (r[2] - m) ** 2) / 2);
    const down = Math.sqrt(0.01 / 3);
    const out = computeMetrics({ curve: c, trades: [], initialCash: 100, fees: 0, tradedNotional: 0, exposure: 0 });
    expect(out.sharpe).toBeCloseTo((m / sd) * Math.sqrt(365), 12);
    expect(out.sortino).toBeCloseTo((m / down) * Math.sqrt(365), 12);
    expect(out.volatility).toBeCloseTo(sd * Math.sqrt(365), 12);
    expect(out.total_return).toBeCloseTo(0.21, 12);
    const cagr = 1.21 ** (365 / 3) - 1; // a 21% gain in 3 days, compounded over a year
    expect((out.cagr as number) / cagr).toBeCloseTo(1, 12);
    expect((out.calmar as number) / (cagr / 0.1)).toBeCloseTo(1, 12);
  });

  it('max drawdown with peak, trough and duration to recovery', () => {
    const dd = maxDrawdown(c);
    expect(dd.maxDrawdown).toBeCloseTo(0.1, 12);
    expect([dd.peakTs, dd.troughTs, dd.recoveryTs, dd.durationMs]).toEqual([D, 2 * D, 3 * D, 2 * D]);
    const never = maxDrawdown(curve([[0, 100], [H, 50], [2 * H, 60], [3 * H, 80]]));
    expect(never.maxDrawdown).toBe(0.5);
    expect(never.recoveryTs).toBeNull();
    expect(never.durationMs).toBe(3 * H);
  });

  it('samples the curve as of 00:00 UTC', () => {
    const hourly = curve([[0, 100], [12 * H, 150], [D, 120], [D + H, 130], [2 * D - H, 90], [2 * D + H, 200]]);
    expect(dailyEquity(hourly)).toEqual({ ts: [0, D, 2 * D], equity: [100, 120, 90] });
  });

  it('trade statistics over closed trades', () => {
    const out = computeMetrics({
      curve: c,
      trades: [{ pnl: 10 }, { pnl: -5 }, { pnl: 20 }, { pnl: -5 }, { pnl: 0 }],
      initialCash: 100,
      fees: 3,
      tradedNotional: 430,
      exposure: 0.5,
    });
    expect(out).toMatchObject({ trades: 5, win_rate: 0.4, profit_factor: 3, avg_win: 15, avg_loss: -5, expectancy: 4, fees: 3, final_equity: 121 });
    expect(out.turnover).toBeCloseTo(430 / 107.5, 12);
  });

  it('null, never NaN, where a metric does not exist', () => {
    const flat = computeMetrics({ curve: curve([[0, 100], [D, 100], [2 * D, 100]]), trades: [{ pnl: 5 }], initialCash: 100, fees: 0, tradedNotional: 0, exposure: 0 });
    expect(flat).toMatchObject({ sharpe: null, sortino: null, calmar: null, profit_factor: null, avg_loss: null, max_drawdown: 0 });
    expect(JSON.stringify(flat)).not.toMatch(/NaN|Infinity/);
  });

  it('monthly returns chain to the total return', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const feb = Date.UTC(2024, 1, 1);
    const mar = Date.UTC(2024, 2, 1);
    const m = monthlyReturns(curve([[t0, 100], [t0 + D, 105], [feb, 110], [feb + H, 111], [mar, 99], [mar + H, 121]]));
    expect(m.map((x) => x.month)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(m[0].return).toBeCloseTo(0.1, 12);
    expect(m[1].return).toBeCloseTo(0.99 / 1.1 - 1, 12);
    expect(m[2].return).toBeCloseTo(121 / 99 - 1, 12);
  });
});
