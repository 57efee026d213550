import { describe, expect, it } from 'vitest';
import { costModel } from './costs.js';
import { ExecutionSimulator, OrderKind } from './simulator.js';

const H = 3_600_000;
const FEE = 0.001; // 10 bps
const SLIP = 0.0005; // 5 bps
const costs = costModel({ feeBps: 10, slippageBps: 5 });
type Bar = [open: number, high: number, low: number, close: number];

function sim(cash = 10_000, c = costs) {
  return new ExecutionSimulator(['BTC/USDT'], cash, c);
}
function bar(s: ExecutionSimulator, i: number, [o, h, l, c]: Bar, volume = 1_000) {
  s.onBar(0, i * H, o, h, l, c, volume);
}

describe('market orders fill at the next open with slippage and a fee on both legs', () => {
  it('buys at open × (1 + slip), sells at open × (1 − slip), sizes from equity, pays fees on both fills', () => {
    const s = sim();
    bar(s, 0, [99, 101, 98, 100]);
    s.submit(0, OrderKind.Long, 1, null, null); // signal at bar 0's close
    expect(s.side[0]).toBe(0); // nothing fills before the next bar
    bar(s, 1, [100, 105, 99, 104]);
    const buy = 100 * (1 + SLIP);
    const q = (1 * 10_000) / (buy * (1 + FEE));
    const fee1 = buy * q * FEE;
    expect(s.qty[0]).toBeCloseTo(q, 12);
    expect(s.entryPrice[0]).toBe(buy);
    expect(s.fees).toBeCloseTo(fee1, 12);
    expect(s.cash).toBeGreaterThanOrEqual(0);
    expect(s.cash).toBeLessThan(1e-9);
    expect(s.equity()).toBeCloseTo(10_000 - buy * q - fee1 + q * 104, 9); // marked at the close
    s.submit(0, OrderKind.Close, 0, null, null);
    bar(s, 2, [110, 111, 108, 109]);
    const sell = 110 * (1 - SLIP);
    const fee2 = sell * q * FEE;
    const t = s.trades[0];
    expect(t).toMatchObject({ side: 'LONG', entryTs: 1 * H, exitTs: 2 * H, exitReason: 'signal' });
    expect(t.exitPrice).toBe(sell);
    expect(t.fees).toBeCloseTo(fee1 + fee2, 12);
    expect(t.pnl).toBeCloseTo((sell - buy) * q - fee1 - fee2, 9);
    expect(s.cash).toBeCloseTo(10_000 + t.pnl, 9);
    expect(s.equity()).toBe(s.cash);
  });

  it('size 0.5 buys half the equity', () => {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Long, 0.5, null, null);
    bar(s, 1, [200, 200, 200, 200]);
    const buy = 200 * (1 + SLIP);
    expect(s.qty[0]).toBeCloseTo((0.5 * 10_000) / (buy * (1 + FEE)), 12);
    expect(s.cash).toBeCloseTo(5_000, 9);
  });

  it('adds the square-root impact term from the fill bar volume', () => {
    const c = costModel({ feeBps: 10, slippageBps: 5, impact: 0.1 });
    const s = sim(10_000, c);
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Long, 0.5, null, null);
    bar(s, 1, [100, 100, 100, 100], 400);
    const q0 = 5_000 / (100 * (1 + SLIP) * (1 + FEE));
    const slip = SLIP + 0.1 * Math.sqrt(q0 / 400);
    const price = 100 * (1 + slip);
    expect(s.entryPrice[0]).toBeCloseTo(price, 12);
    expect(s.qty[0]).toBeCloseTo(5_000 / (price * (1 + FEE)), 12);
  });
});

describe('stop-loss and take-profit brackets', () => {
  function longWith(stop: number | null, target: number | null) {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Long, 1, stop, target);
    bar(s, 1, [100, 101, 99, 100]); // entry bar, inside the brackets
    return s;
  }

  it('stop wins when one bar touches both legs', () => {
    const s = longWith(95, 110);
    bar(s, 2, [100, 111, 94, 105]);
    expect(s.trades[0].exitReason).toBe('stop_loss');
    expect(s.trades[0].exitPrice).toBe(95 * (1 - SLIP));
    expect(s.trades[0].exitTs).toBe(2 * H);
  });

  it('a gap through the stop fills at the open', () => {
    const s = longWith(95, 110);
    bar(s, 2, [90, 92, 85, 91]);
    expect(s.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 90 * (1 - SLIP) });
  });

  it('a gap through the target fills at the open (a limit fills at its price or better, no slippage)', () => {
    const s = longWith(95, 110);
    bar(s, 2, [115, 116, 80, 90]);
    expect(s.trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 115 });
  });

  it('a target touched within the bar fills at the target', () => {
    const s = longWith(95, 110);
    bar(s, 2, [101, 112, 99, 111]);
    const t = s.trades[0];
    expect(t).toMatchObject({ exitReason: 'take_profit', exitPrice: 110 });
    const buy = 100 * (1 + SLIP);
    const q = 10_000 / (buy * (1 + FEE));
    expect(t.pnl).toBeCloseTo((110 - buy) * q - buy * q * FEE - 110 * q * FEE, 9);
  });

  it('brackets apply from the fill bar on, never before the entry', () => {
    const s = sim();
    bar(s, 0, [100, 100, 80, 100]); // a low below the stop on the signal bar does not count
    s.submit(0, OrderKind.Long, 1, 95, null);
    expect(s.trades).toHaveLength(0);
    bar(s, 1, [100, 101, 94, 100]); // the fill bar itself reaches the stop after the open
    expect(s.trades[0]).toMatchObject({ exitReason: 'stop_loss', entryTs: H, exitTs: H, exitPrice: 95 * (1 - SLIP) });
  });
});

describe('shorts (margin-free: proceeds to cash, liability marked at the price)', () => {
  it('enters at open × (1 − slip), marks at the close, covers at open × (1 + slip)', () => {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Short, 1, null, null);
    bar(s, 1, [100, 101, 95, 96]);
    const sell = 100 * (1 - SLIP);
    const q = 10_000 / (sell * (1 + FEE));
    const fee1 = sell * q * FEE;
    expect(s.side[0]).toBe(-1);
    expect(s.cash).toBeCloseTo(10_000 + sell * q - fee1, 9);
    expect(s.equity()).toBeCloseTo(10_000 + sell * q - fee1 - q * 96, 9);
    s.submit(0, OrderKind.Close, 0, null, null);
    bar(s, 2, [90, 91, 89, 90]);
    const cover = 90 * (1 + SLIP);
    const fee2 = cover * q * FEE;
    expect(s.trades[0]).toMatchObject({ side: 'SHORT', exitPrice: cover, exitReason: 'signal' });
    expect(s.trades[0].pnl).toBeCloseTo((sell - cover) * q - fee1 - fee2, 9);
    expect(s.cash).toBeCloseTo(10_000 + s.trades[0].pnl, 9);
  });

  it('a short stop fills above, with slippage; a gap up fills at the open', () => {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Short, 1, 105, 90);
    bar(s, 1, [100, 106, 89, 100]); // both legs: stop wins
    expect(s.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 105 * (1 + SLIP) });
    s.submit(0, OrderKind.Short, 1, 105, 90);
    bar(s, 2, [100, 101, 99, 100]);
    bar(s, 3, [108, 109, 107, 108]);
    expect(s.trades[1]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 108 * (1 + SLIP) });
  });

  it('LONG while short reverses the position at the same open', () => {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Short, 1, null, null);
    bar(s, 1, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Long, 1, null, null);
    bar(s, 2, [100, 100, 100, 100]);
    expect(s.trades).toHaveLength(1);
    expect(s.side[0]).toBe(1);
    expect(s.entryTs[0]).toBe(2 * H);
  });
});

describe('cash never goes negative', () => {
  it('reduces a buy larger than the cash, with a note', () => {
    const s = sim();
    bar(s, 0, [100, 100, 100, 100]);
    s.submit(0, OrderKind.Long, 2, null, null);
    bar(s, 1, [100, 100, 100, 100]);
    const buy = 100 * (1 + SLIP);
    expect(s.qty[0]).toBeCloseTo(10_000 / (buy * (1 + FEE)), 9);
    expect(s.cash).toBeGreaterThanOrEqual(0);
    expect(s.notes.some((n) => n.kind === 'reduced')).toBe(true);
  });

  it('rejects a second buy when the cash is spent, and a non-positive size', () => {
    const s = new ExecutionSimulator(['A', 'B'], 1_000, costs);
    s.onBar(0, 0, 10, 10, 10, 10, 1);
    s.submit(0, OrderKind.Long, 1, null, null);
    s.onBar(0, H, 10, 10, 10, 10, 1);
    s.onBar(1, H, 10, 10, 10, 10, 1);
    s.submit(1, OrderKind.Long, 0.5, null, null);
    s.submit(0, OrderKind.Short, 0, null, null);
    s.onBar(1, 2 * H, 10, 10, 10, 10, 1);
    expect(s.side[1]).toBe(0);
    expect(s.notes.map((n) => n.kind)).toContain('rejected');
    expect(s.cash).toBeGreaterThanOrEqual(0);
  });
});

describe('state', () => {
  it('a restored simulator continues exactly like one never interrupted', () => {
    const bars: Bar[] = [
      [100, 101, 99, 100],
      [100, 103, 98, 102],
      [102, 106, 101, 105],
      [105, 107, 90, 92],
      [92, 95, 91, 94],
      [94, 99, 93, 98],
    ];
    const run = (cut: number | null) => {
      let s = sim();
      bars.forEach((b, i) => {
        if (i === cut) s = ExecutionSimulator.restore(JSON.parse(JSON.stringify(s.state())));
        bar(s, i, b);
        if (i === 0) s.submit(0, OrderKind.Long, 0.8, 93, 200);
        if (i === 4) s.submit(0, OrderKind.Short, 0.5, null, 90);
      });
      return s.state();
    };
    const whole = run(null);
    expect(whole.trades).toHaveLength(1);
    expect(whole.side[0]).toBe(-1);
    for (const cut of [1, 2, 4, 5]) expect(run(cut)).toEqual(whole);
  });
});
