/**
 * A strategy's `when` series (SPEC §7 strategies, docs/strategies.md): where it is 0 the strategy promises onBar
 * returns nothing, whatever the position, and the runner and the backtest loop skip the call. Skipping must change
 * nothing: sma_cross with its `when` gives the same signals and the same backtest document, byte for byte, as the
 * same rule without it. A strategy that breaks the promise is refused with an error naming it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeDocument } from '../src/analytics/document.js';
import { runBacktest } from '../src/backtest/run.js';
import type { CandleColumns } from '../src/core/types.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { defineStrategy } from '../src/strategies/define.js';
import { StrategyRunner } from '../src/strategies/runner.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function walk(moves: number[]): CandleColumns {
  const n = moves.length;
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100;
  moves.forEach((m, i) => {
    const o = p;
    p = o * (1 + m);
    c.ts[i] = T0 + i * H;
    c.open[i] = o;
    c.close[i] = p;
    c.high[i] = Math.max(o, p) * 1.001;
    c.low[i] = Math.min(o, p) * 0.999;
    c.volume[i] = 100;
  });
  return c;
}

/** sma_cross exactly, without its `when`: onBar is called on every bar. */
const { kind: _k, resolveParams: _r, when: _w, ...definition } = smaCross;
const everyBar = defineStrategy({ ...definition });

const data = (c: CandleColumns) => ({ candles: new Map([['X/USDT', c]]), macro: new Map() });

describe('strategy when series', () => {
  it('sma_cross skipping non-cross bars gives the same signals and backtest documents as calling onBar on every bar', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 40, maxLength: 400 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 20 }),
        (moves, fast, slow) => {
          const c = walk(moves);
          const params = { fast, slow };
          const a = new StrategyRunner(smaCross, params, data(c)).run();
          const b = new StrategyRunner(everyBar, params, data(c)).run();
          expect(a).toEqual(b);
          const req = { params, base: new Map([['X/USDT', c]]), baseTimeframe: '1h' as const, cash: 10_000, feeBps: 10, slippageBps: 5, risk: null };
          for (const loop of ['auto', 'general'] as const) {
            const da = runBacktest({ ...req, strategy: smaCross, loop }).document;
            const db = runBacktest({ ...req, strategy: everyBar, loop }).document;
            // the strategy's name is the same; everything else must be too
            expect(serializeDocument(da)).toBe(serializeDocument(db));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('calls onBar where the series is non-zero or NaN and skips it where it is 0', () => {
    const called: number[] = [];
    const gate = new Float64Array([0, 1, 0, Number.NaN, -2, 0]);
    const s = defineStrategy({
      name: 'gated',
      description: '',
      params: {},
      warmupBars: () => 0,
      precompute: ({ candles }) => ({ gate: gate.slice(0, candles.length) }),
      when: 'gate',
      onBar: ({ bar }) => {
        called.push(bar.index);
        return null;
      },
    });
    const r = new StrategyRunner(s, {}, data(walk([0, 0, 0, 0, 0, 0])), { checkLookAhead: false });
    r.run();
    expect(called).toEqual([1, 3, 4]);
  });

  it('refuses a strategy that signals where its when series is 0, whatever position it depends on', () => {
    const liar = defineStrategy({
      name: 'liar',
      description: '',
      params: {},
      warmupBars: () => 2,
      precompute: ({ candles }) => ({ never: new Float64Array(candles.length) }),
      when: 'never',
      // only ever signals when short: the check must try every position, not just the one the run would hold
      onBar: ({ position }) => (position() === 'SHORT' ? { side: 'CLOSE' } : null),
    });
    const c = walk(Array.from({ length: 50 }, (_, i) => Math.sin(i) / 100));
    expect(() => new StrategyRunner(liar, {}, data(c))).toThrow(/strategy liar: onBar signalled for X\/USDT at 2024-01-01T03:00:00.*position SHORT.*when series "never" is 0/);
    expect(() => runBacktest({ strategy: liar, base: new Map([['X/USDT', c]]), baseTimeframe: '1h', cash: 10_000, feeBps: 0, slippageBps: 0, risk: null })).toThrow(/strategy liar: .*promises no signal there/);
  });

  it('refuses a when that names no precomputed series', () => {
    const base = { name: 'nowhen', description: '', params: {}, warmupBars: () => 0, onBar: () => null };
    expect(() => defineStrategy({ ...base, when: 'cross' })).toThrow(/strategy nowhen: when must name one of its precomputed series.*no precompute/);
    const typo = defineStrategy({ ...base, precompute: ({ candles }) => ({ cross: new Float64Array(candles.length) }), when: 'crosss' });
    expect(() => new StrategyRunner(typo, {}, data(walk([0, 0, 0, 0])))).toThrow(/strategy nowhen: its when series "crosss" is not one of its precomputed series \(cross\)/);
  });
});
