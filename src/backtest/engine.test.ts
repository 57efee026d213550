import { describe, expect, it } from 'vitest';
import type { CandleColumns, Signal } from '../core/types.js';
import { costModel } from '../execution/costs.js';
import { Backtest, type BarDecider } from './engine.js';

const H = 3_600_000;
const FEE = 0.001;
const SLIP = 0.0005;

function columns(rows: [number, number, number, number][], start = 0, step = H): CandleColumns {
  const n = rows.length;
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n).fill(1_000) };
  rows.forEach(([o, h, l, cl], i) => {
    c.ts[i] = start + i * step;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
  });
  return c;
}

/** A decider that says what a script says at given bar indexes (stands in for a strategy). */
function scripted(base: Map<string, CandleColumns>, script: Record<string, Record<number, Partial<Signal>>>, seen: number[] = []): BarDecider {
  return {
    symbols: [...base.keys()],
    barMs: H,
    bars: (s) => base.get(s) as CandleColumns,
    firstIndex: () => 0,
    onBar(symbol, i) {
      seen.push(i);
      const s = script[symbol]?.[i];
      if (!s) return [];
      const c = base.get(symbol) as CandleColumns;
      return [{ ts: c.ts[i] + H, strategy: 't', symbol, side: 'LONG', confidence: 1, strength: 'STRONG', price: c.close[i], size: 1, stopLoss: null, takeProfit: null, ...s }];
    },
  };
}

const costs = costModel({ feeBps: 10, slippageBps: 5 });

describe('backtest loop', () => {
  it('fills a signal at the next bar open and leaves a signal on the last bar unfilled', () => {
    const base = new Map([['X', columns([[100, 101, 99, 100], [102, 103, 101, 102], [104, 105, 103, 104], [106, 107, 105, 106]])]]);
    const bt = new Backtest({ base, baseMs: H, cash: 1_000, costs });
    const out = bt.run(scripted(base, { X: { 0: { side: 'LONG' }, 1: { side: 'CLOSE' }, 3: { side: 'LONG' } } }));
    const [t] = out.sim.trades;
    expect(out.sim.trades).toHaveLength(1);
    expect(t.entryTs).toBe(H);
    expect(t.entryPrice).toBe(102 * (1 + SLIP));
    expect(t.exitTs).toBe(2 * H);
    expect(t.exitPrice).toBe(104 * (1 - SLIP));
    expect(out.unfilled).toBe(1);
    expect(out.sim.side[0]).toBe(0);
    const q = 1_000 / (102 * (1 + SLIP) * (1 + FEE));
    expect(t.pnl).toBeCloseTo((104 * (1 - SLIP) - 102 * (1 + SLIP)) * q - 102 * (1 + SLIP) * q * FEE - 104 * (1 - SLIP) * q * FEE, 9);
    // equity: the start, then each bar's close; the last point equals the cash (flat)
    expect(Array.from(out.curveTs)).toEqual([0, H, 2 * H, 3 * H, 4 * H]);
    expect(out.curveEquity[0]).toBe(1_000);
    expect(out.curveEquity[2]).toBeCloseTo(1_000 - 102 * (1 + SLIP) * q * (1 + FEE) + q * 102, 9);
    expect(out.curveEquity[4]).toBeCloseTo(1_000 + t.pnl, 9);
    expect(out.stepsInMarket).toBe(1);
  });

  it('trades only inside [from, to] and decides only bars closing after the start', () => {
    const base = new Map([['X', columns([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4], [5, 5, 5, 5]])]]);
    const seen: number[] = [];
    const out = new Backtest({ base, baseMs: H, cash: 100, costs, from: H, to: 3 * H }).run(scripted(base, {}, seen));
    expect(seen).toEqual([1, 2, 3]);
    expect([out.from, out.to, out.steps]).toEqual([H, 4 * H, 3]);
  });

  it('multi-asset: each symbol fills on its own next open, equity marks both', () => {
    const base = new Map([
      ['A', columns([[10, 10, 10, 10], [10, 10, 10, 11], [12, 12, 12, 12]])],
      ['B', columns([[20, 20, 20, 20], [20, 20, 20, 22], [24, 24, 24, 24]])],
    ]);
    const out = new Backtest({ base, baseMs: H, cash: 1_000, costs: costModel({ feeBps: 0, slippageBps: 0 }) }).run(
      scripted(base, { A: { 0: { size: 0.5 } }, B: { 0: { size: 0.5 } } }),
    );
    // A buys half the equity (500 → 50 units); B then buys half of the remaining equity, marked at the opens (500 → 25)
    expect(out.sim.qty[0]).toBeCloseTo(50, 12);
    expect(out.sim.qty[1]).toBeCloseTo(25, 12);
    expect(out.curveEquity[2]).toBeCloseTo(50 * 11 + 25 * 22, 9);
    expect(out.curveEquity[3]).toBeCloseTo(50 * 12 + 25 * 24, 9);
  });

  it('a strategy that throws stops the run naming the bar, the time and the error', () => {
    const base = new Map([['X', columns([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])]]);
    const d = scripted(base, {});
    const failing: BarDecider = { ...d, onBar: (s, i) => (i === 1 ? (() => { throw new Error('boom'); })() : d.onBar(s, i)) };
    expect(() => new Backtest({ base, baseMs: H, cash: 100, costs }).run(failing)).toThrow(/bar 1 of X \(1970-01-01T02:00:00.000Z\): boom/);
  });

  it('the risk gate sizes entries and its rejections are kept with reasons; --size overrides', () => {
    const base = new Map([['X', columns([[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100]])]]);
    const gate = {
      calls: 0,
      decide() {
        this.calls++;
        return this.calls === 1 ? { approved: true, size: 0.1, stopLoss: 90, takeProfit: 120, reasons: [] } : { approved: false, size: 0, stopLoss: null, takeProfit: null, reasons: ['max_drawdown: halted'] };
      },
    };
    const noCost = costModel({ feeBps: 0, slippageBps: 0 });
    const out = new Backtest({ base, baseMs: H, cash: 1_000, costs: noCost, risk: gate }).run(scripted(base, { X: { 0: {}, 1: { side: 'CLOSE' }, 2: { side: 'SHORT' } } }));
    expect(out.sim.trades[0].quantity).toBeCloseTo(1, 12);
    expect(out.rejections).toEqual([{ ts: 3 * H, symbol: 'X', side: 'SHORT', reasons: ['max_drawdown: halted'] }]);
    const sized = new Backtest({ base, baseMs: H, cash: 1_000, costs: noCost, risk: null, sizeOverride: 0.25 }).run(scripted(base, { X: { 0: {} } }));
    expect(sized.sim.qty[0]).toBeCloseTo(2.5, 12);
  });
});
