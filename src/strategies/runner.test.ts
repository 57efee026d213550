import { describe, expect, it } from 'vitest';
import type { MacroObservation } from '../core/types.js';
import { columnsFromCandles } from '../storage/repos/candles.js';
import type { BarContext } from './contract.js';
import { defineStrategy } from './define.js';
import { StrategyRunner } from './runner.js';

const H = 3_600_000;
const T0 = Date.parse('2024-01-05T00:00:00Z'); // a Friday

function bars(closes: number[], start = T0) {
  return columnsFromCandles(closes.map((c, i) => ({ ts: start + i * H, open: c, high: c + 1, low: c - 1, close: c, volume: 10 + i })));
}

const closes = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];

describe('StrategyRunner', () => {
  it('shows a strategy only bars up to the current one: the next bar reads NaN', () => {
    const seen: number[][] = [];
    const peek = defineStrategy({
      name: 'peek',
      description: '',
      params: {},
      warmupBars: () => 0,
      onBar: ({ bar }) => {
        seen.push([bar.close(), bar.close(-1), bar.close(1), bar.value('close', -1), bar.window('close', 3)[2], bar.length]);
        return null;
      },
    });
    const r = new StrategyRunner(peek, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() });
    r.onBar('A/USDT', 4);
    r.onBar('A/USDT', 0);
    expect(seen[0][0]).toBe(104);
    expect(seen[0][1]).toBeNaN();
    expect(seen[0][2]).toBe(103);
    expect(seen[0][3]).toBeNaN();
    expect(seen[0][4]).toBe(104);
    expect(seen[0][5]).toBe(5);
    expect(seen[1][2]).toBeNaN(); // before the start
  });

  it('rejects a precomputed series that looks ahead, naming strategy and key', () => {
    const cheat = defineStrategy({
      name: 'cheat',
      description: '',
      params: {},
      warmupBars: () => 0,
      precompute: ({ candles }) => {
        const next = new Float64Array(candles.length).fill(Number.NaN);
        for (let i = 0; i + 1 < candles.length; i++) next[i] = candles.close[i + 1];
        return { tomorrow: next, today: candles.close.slice() };
      },
      onBar: () => null,
    });
    expect(() => new StrategyRunner(cheat, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() })).toThrow(/strategy cheat: precomputed series "tomorrow" for A\/USDT looks ahead/);
  });

  it('catches look-ahead on long data with a bounded check: a late-starting series and a whole-series statistic', () => {
    const n = 30_000;
    const long = bars(Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 50) * 10 + i / 1_000));
    // reads the next bar, but only after a long NaN start the strategy does not declare as warm-up
    const lateCheat = defineStrategy({
      name: 'late_cheat',
      description: '',
      params: {},
      warmupBars: () => 0,
      precompute: ({ candles }) => {
        const out = new Float64Array(candles.length).fill(Number.NaN);
        for (let i = 6_000; i + 1 < candles.length; i++) out[i] = candles.close[i + 1];
        return { next: out };
      },
      onBar: () => null,
    });
    expect(() => new StrategyRunner(lateCheat, {}, { candles: new Map([['A/USDT', long]]), macro: new Map() })).toThrow(/"next" for A\/USDT looks ahead/);
    // scaled by the maximum of the whole series (the future included)
    const scaled = defineStrategy({
      name: 'scaled',
      description: '',
      params: {},
      warmupBars: () => 0,
      precompute: ({ candles }) => {
        let max = 0;
        for (let i = 0; i < candles.length; i++) max = Math.max(max, candles.close[i]);
        return { rel: candles.close.map((c) => c / max) };
      },
      onBar: () => null,
    });
    expect(() => new StrategyRunner(scaled, {}, { candles: new Map([['A/USDT', long]]), macro: new Map() })).toThrow(/"rel" for A\/USDT looks ahead/);
  });

  it('refuses a precomputed series named like a bar field, which bar.value() could not tell apart', () => {
    const clash = defineStrategy({ name: 'clash', description: '', params: {}, warmupBars: () => 0, precompute: ({ candles }) => ({ high: candles.close.slice() }), onBar: () => null });
    expect(() => new StrategyRunner(clash, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() })).toThrow(/strategy clash: precomputed series "high" has the name of a bar field/);
  });

  it('fills signals from the bar: ts = close time, price = close, defaults for confidence, strength and size', () => {
    const always = defineStrategy({ name: 'always', description: '', params: {}, warmupBars: () => 2, onBar: () => ({ side: 'LONG' }) });
    const r = new StrategyRunner(always, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() });
    expect(r.onBar('A/USDT', 1)).toEqual([]); // still warming up
    expect(r.onBar('A/USDT', 3)).toEqual([{ ts: T0 + 4 * H, strategy: 'always', symbol: 'A/USDT', side: 'LONG', confidence: 1, strength: 'STRONG', price: 103, size: 1, stopLoss: null, takeProfit: null }]);
  });

  it('decide hands over what onBar signals, intent by intent, and refuses the same bad intents with the same errors', () => {
    // per bar: nothing, one intent, several (with stops, sizes, another symbol, a skipped null), or a bad one
    const script = (i: number): unknown => {
      if (i % 5 === 0) return null;
      if (i % 5 === 1) return { side: 'LONG', size: 0.5, stopLoss: 90, takeProfit: Number.NaN };
      if (i % 5 === 2) return [{ side: 'SHORT' }, null, { side: 'CLOSE', symbol: 'B/USDT', takeProfit: 120 }];
      if (i % 5 === 3) return [{ side: 'LONG', confidence: 0.3, size: 2, stopLoss: null }];
      return i === 9 ? { side: 'SIDEWAYS' } : { side: 'CLOSE', confidence: Number.NaN };
    };
    const scripted = defineStrategy({ name: 'scripted', description: '', params: {}, warmupBars: () => 0, onBar: ({ bar }) => script(bar.length - 1) as never });
    const data = { candles: new Map([['A/USDT', bars(closes)], ['B/USDT', bars(closes)]]), macro: new Map<string, MacroObservation[]>() };
    const held = () => null;
    const a = new StrategyRunner(scripted, {}, data, { symbols: ['A/USDT'], position: held });
    const b = new StrategyRunner(scripted, {}, data, { symbols: ['A/USDT'], position: held });
    let orders = 0;
    for (let i = 0; i < closes.length; i++) {
      let want: unknown[] | Error;
      try {
        want = a.onBar('A/USDT', i).map((x) => [x.symbol, x.side, x.size, x.stopLoss, x.takeProfit]);
      } catch (err) {
        want = err as Error;
      }
      const got: unknown[] = [];
      let count = -1;
      let thrown: Error | undefined;
      try {
        count = b.decide('A/USDT', i, (...order) => got.push(order));
      } catch (err) {
        thrown = err as Error;
      }
      if (want instanceof Error) {
        expect(thrown?.message, `bar ${i}`).toBe(want.message);
      } else {
        expect(thrown, `bar ${i}`).toBeUndefined();
        expect(got, `bar ${i}`).toEqual(want);
        expect(count).toBe(want.length);
        orders += count;
      }
    }
    // every kind of bar came up twice: none, one (1), several (2), one in a list (1), and an error
    expect(orders).toBe(2 * (1 + 2 + 1));
  });

  it('takes a list of intents as well as one: every intent in order', () => {
    const many = defineStrategy({ name: 'many', description: '', params: {}, warmupBars: () => 0, onBar: ({ bar }) => (bar.close() > 104 ? [{ side: 'SHORT', size: 0.5 }, { side: 'CLOSE', confidence: 0.2 }] : bar.close() > 102 ? [] : { side: 'LONG' }) });
    const r = new StrategyRunner(many, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() });
    const base = { ts: T0 + 6 * H, strategy: 'many', symbol: 'A/USDT', price: 105, stopLoss: null, takeProfit: null };
    expect(r.onBar('A/USDT', 5)).toEqual([
      { ...base, side: 'SHORT', confidence: 1, strength: 'STRONG', size: 0.5 },
      { ...base, side: 'CLOSE', confidence: 0.2, strength: 'WEAK', size: 1 },
    ]);
    expect(r.onBar('A/USDT', 3)).toEqual([]);
    expect(r.onBar('A/USDT', 1)).toEqual([{ ...base, ts: T0 + 2 * H, price: 101, side: 'LONG', confidence: 1, strength: 'STRONG', size: 1 }]);
  });

  it('reads other symbols as of the same moment and macro data as published by then', () => {
    const got: unknown[] = [];
    const cross = defineStrategy({
      name: 'cross',
      description: '',
      params: {},
      macro: ['VIXCLS'],
      warmupBars: () => 0,
      onBar: (ctx: BarContext<Record<string, never>>) => {
        got.push([ctx.now, ctx.asset('B/USDT')?.close(), ctx.asset('B/USDT')?.close(-1), ctx.macro('VIXCLS').value(), ctx.macro('VIXCLS').value(1)]);
        return null;
      },
    });
    // B starts 3 hours later than A
    const b = bars([50, 51, 52, 53, 54, 55, 56], T0 + 3 * H);
    const macro: MacroObservation[] = [
      { series: 'VIXCLS', date: T0 - 86_400_000, value: 20 },
      { series: 'VIXCLS', date: T0, value: 25 },
    ];
    const r = new StrategyRunner(cross, {}, { candles: new Map([['A/USDT', bars(closes)], ['B/USDT', b]]), macro: new Map([['VIXCLS', macro]]) }, { symbols: ['A/USDT'] });
    r.onBar('A/USDT', 1);
    r.onBar('A/USDT', 5);
    expect(got[0]).toEqual([T0 + 2 * H, undefined, undefined, 20, Number.NaN]);
    // at A's bar 5 (closes T0+6h) B's latest closed bar is its bar 2 (opens T0+5h); Friday's VIX is usable only Saturday
    expect(got[1]).toEqual([T0 + 6 * H, 52, Number.NaN, 20, Number.NaN]);
  });

  it('names the strategy, symbol and bar when the strategy throws', () => {
    const boom = defineStrategy({
      name: 'boom',
      description: '',
      params: {},
      warmupBars: () => 0,
      onBar: ({ bar }) => {
        if (bar.index === 3) throw new Error('division by zero');
        return null;
      },
    });
    const r = new StrategyRunner(boom, {}, { candles: new Map([['A/USDT', bars(closes)]]), macro: new Map() }, { source: 'my/boom.ts' });
    expect(() => r.run()).toThrow('strategy boom (my/boom.ts) failed in onBar for A/USDT at 2024-01-05T04:00:00.000Z: division by zero');
  });

  it('tracks the signal-implied position: LONG opens it, a touched stop ends it', () => {
    const positions: (string | null)[] = [];
    const dip = defineStrategy({
      name: 'dip',
      description: '',
      params: {},
      warmupBars: () => 0,
      onBar: ({ bar, position }) => {
        positions.push(position());
        return bar.index === 1 ? { side: 'LONG', stopLoss: 100.5 } : null;
      },
    });
    // bar 3 dips: its low (99) touches the stop at 100.5
    const c = bars([100, 101, 102, 100, 103]);
    const r = new StrategyRunner(dip, {}, { candles: new Map([['A/USDT', c]]), macro: new Map() });
    r.run();
    expect(positions).toEqual([null, null, 'LONG', null, null]);
  });

  it('runs all symbols in time order and takes the position from the caller when given', () => {
    const order: string[] = [];
    const log = defineStrategy({
      name: 'log',
      description: '',
      params: {},
      warmupBars: () => 0,
      onBar: ({ symbol, now, position }) => {
        order.push(`${(now - T0) / H}${symbol[0]}${position() ?? '-'}`);
        return null;
      },
    });
    const r = new StrategyRunner(log, {}, { candles: new Map([['A/USDT', bars([1, 2, 3])], ['B/USDT', bars([1, 2], T0 + H)]]), macro: new Map() }, { position: (s) => (s === 'B/USDT' ? 'SHORT' : null) });
    r.run({ from: T0 + 2 * H });
    expect(order).toEqual(['2A-', '2BSHORT', '3A-', '3BSHORT']);
  });
});
