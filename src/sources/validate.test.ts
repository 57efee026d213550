import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { realCandles } from '../../test/fakes/data.js';
import { buildConfig } from '../config/index.js';
import { HOUR_MS } from '../core/time.js';
import type { Candle } from '../core/types.js';
import { cleanCandles, cleanMacro, outlierIndexes } from './validate.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const c = (i: number, close = 100, over: Partial<Candle> = {}): Candle => ({ ts: T0 + i * HOUR_MS, open: close, high: close + 1, low: close - 1, close, volume: 10, ...over });
const s = buildConfig().sources;
const rules = { timeframe: '1h' as const, now: T0 + 100 * HOUR_MS, outlierMads: s.outlierMads, outlierNeighbours: s.outlierNeighbours, outlierFloor: s.outlierFloor };

describe('cleanCandles', () => {
  it('rejects each inconsistent candle with its reason and keeps the rest', () => {
    const input = [
      c(0),
      c(1, 100, { high: 99.5 }), // high below the close
      c(2, 100, { low: 100.5 }), // low above the open
      c(3, 100, { open: 0 }),
      c(4, 100, { volume: -1 }),
      { ...c(5), ts: T0 + 5 * HOUR_MS + 60_000 }, // off the hourly grid
      c(6),
    ];
    const r = cleanCandles(input, rules);
    expect(r.candles.map((k) => k.ts)).toEqual([T0, T0 + 6 * HOUR_MS]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['high_below_body', 'low_above_body', 'non_positive_price', 'negative_volume', 'off_grid']);
  });

  it('does not store the still-open candle nor future ones (against the clock)', () => {
    const now = T0 + 10 * HOUR_MS + 5 * 60_000; // 10:05: the 10:00 candle is still open
    const r = cleanCandles([c(8), c(9), c(10), c(11)], { ...rules, now });
    expect(r.candles.map((k) => k.ts)).toEqual([T0 + 8 * HOUR_MS, T0 + 9 * HOUR_MS]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['open_candle', 'future']);
  });

  it('keeps one copy of a duplicated candle (the last one) and sorts', () => {
    const r = cleanCandles([c(2), c(1, 100), c(1, 101), c(0)], rules);
    expect(r.candles.map((k) => [k.ts, k.close])).toEqual([
      [T0, 100],
      [T0 + HOUR_MS, 101],
      [T0 + 2 * HOUR_MS, 100],
    ]);
    expect(r.rejected).toEqual([{ item: c(1, 100), reason: 'duplicate' }]);
  });

  it('flags a lone spike far from its neighbours as an outlier, judged with stored context', () => {
    const context = Array.from({ length: 12 }, (_, i) => c(i, 100 + (i % 3)));
    const fresh = [c(12, 101), c(13, 150, { high: 151 }), c(14, 100), c(15, 102)];
    const r = cleanCandles(fresh, rules, context);
    expect(r.rejected).toEqual([{ item: fresh[1], reason: 'outlier' }]);
    expect(r.candles).toHaveLength(3);
    // the hole the outlier leaves is a gap to backfill
    expect(r.gaps).toEqual([{ from: T0 + 13 * HOUR_MS, to: T0 + 13 * HOUR_MS, missing: 1 }]);
  });

  it('judges a candle filling a hole by its neighbours on both sides', () => {
    // the market moved from 100 to 130 while the hole was open: 115 is no bad print
    const before = Array.from({ length: 12 }, (_, i) => c(i, 100 + (i % 2)));
    const after = Array.from({ length: 12 }, (_, i) => c(13 + i, 130 + (i % 2)));
    const hole = [c(12, 115, { high: 116 })];
    expect(cleanCandles(hole, rules, [...before, ...after]).candles).toEqual(hole);
    expect(cleanCandles(hole, rules, before).rejected.map((r) => r.reason)).toEqual(['outlier']);
  });

  it('reports gaps between the context and the new candles', () => {
    const r = cleanCandles([c(5), c(6), c(9)], rules, [c(3)]);
    expect(r.gaps).toEqual([
      { from: T0 + 4 * HOUR_MS, to: T0 + 4 * HOUR_MS, missing: 1 },
      { from: T0 + 7 * HOUR_MS, to: T0 + 8 * HOUR_MS, missing: 2 },
    ]);
  });
});

describe('cleanCandles on pages in order', () => {
  it('gives what the general path (shuffled, deduplicated, sorted) gives for the same candles', () => {
    // Distinct hours with prices that wander, spike, or break a rule now and then; context before or around them.
    const candleAt = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.double({ min: 90, max: 110, noNaN: true }), fc.integer({ min: 0, max: 30 })).map(([h, close, kind]) =>
      kind === 0 ? c(h, close * 1.6, { high: close * 1.7 }) : kind === 1 ? c(h, close, { high: close - 1 }) : kind === 2 ? { ...c(h, close), ts: c(h).ts + 60_000 } : c(h, close),
    );
    const page = fc.uniqueArray(candleAt, { selector: (k) => k.ts, minLength: 2, maxLength: 60 }).map((v) => [...v].sort((a, b) => a.ts - b.ts));
    const context = fc.uniqueArray(fc.tuple(fc.integer({ min: -15, max: 75 }), fc.double({ min: 95, max: 105, noNaN: true })), { selector: ([h]) => h, maxLength: 20 }).map((v) =>
      v.sort((a, b) => a[0] - b[0]).map(([h, close]) => c(h, close)),
    );
    fc.assert(
      fc.property(page, context, fc.constantFrom(0, 0.002), (ordered, around, floor) => {
        const r = { ...rules, outlierFloor: floor, now: T0 + 200 * HOUR_MS };
        expect(cleanCandles(ordered, r, around)).toEqual(cleanCandles([...ordered].reverse(), r, around));
      }),
      { numRuns: 400 },
    );
  });
});

describe('outlierIndexes on real data', () => {
  it('flags nothing in four years of real BTC and ETH hourly closes at the default settings', () => {
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const closes = realCandles(id, '1h').map((k) => k.close);
      expect(closes.length).toBeGreaterThan(30_000);
      expect(outlierIndexes(closes, s.outlierMads, s.outlierNeighbours, s.outlierFloor)).toEqual([]);
    }
  });

  it('catches a bad print planted in real data', () => {
    const closes = realCandles('BTCUSDT', '1h').slice(20_000, 20_200).map((k) => k.close);
    closes[100] *= 1.5;
    closes[150] *= 0.5;
    expect(outlierIndexes(closes, s.outlierMads, s.outlierNeighbours, s.outlierFloor)).toEqual([100, 150]);
  });
});

describe('cleanMacro', () => {
  it('keeps missing values as null, rejects future, off-day and duplicate dates', () => {
    const d = (day: number) => Date.parse('2024-01-01T00:00:00Z') + day * 86_400_000;
    const r = cleanMacro(
      [
        { series: 'VIXCLS', date: d(0), value: 13.2 },
        { series: 'VIXCLS', date: d(1), value: null },
        { series: 'VIXCLS', date: d(1), value: 14 },
        { series: 'VIXCLS', date: d(2) + 3_600_000, value: 14 },
        { series: 'VIXCLS', date: d(9), value: 15 },
      ],
      d(5),
    );
    expect(r.observations).toEqual([
      { series: 'VIXCLS', date: d(0), value: 13.2 },
      { series: 'VIXCLS', date: d(1), value: null },
    ]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['duplicate', 'off_grid', 'future']);
  });
});

describe('outlierIndexes median', () => {
  it('agrees with a sort-based MAD test on random windows', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const closes = Array.from({ length: 2000 }, () => 100 + rnd() * 10 + (rnd() < 0.01 ? 80 : 0));
    const med = (v: number[]) => {
      const x = [...v].sort((a, b) => a - b);
      return x.length % 2 ? x[x.length >> 1] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    };
    const expected: number[] = [];
    for (let i = 0; i < closes.length; i++) {
      const around = closes.slice(Math.max(0, i - 5), i).concat(closes.slice(i + 1, i + 6));
      const m = med(around);
      const scale = med(around.map((v) => Math.abs(v - m))) * 1.4826;
      if (Math.abs(closes[i] - m) > 4 * scale) expected.push(i);
    }
    expect(expected.length).toBeGreaterThan(5);
    expect(outlierIndexes(closes, 4, 5)).toEqual(expected);
  });
  it('with a floor, agrees with the sort-based test (median and MAD of every window, no shortcut)', () => {
    const med = (v: number[]) => {
      const x = [...v].sort((a, b) => a - b);
      return x.length % 2 ? x[x.length >> 1] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    };
    const reference = (closes: number[], mads: number, n: number, floor: number) => {
      const out: number[] = [];
      for (let i = 0; i < closes.length; i++) {
        const around = closes.slice(Math.max(0, i - n), i).concat(closes.slice(i + 1, i + n + 1));
        if (around.length < 4) continue;
        const m = med(around);
        const scale = Math.max(med(around.map((v) => Math.abs(v - m))) * 1.4826, floor * Math.abs(m));
        if (scale > 0 && Math.abs(closes[i] - m) > mads * scale) out.push(i);
      }
      return out;
    };
    // Random walks (calm or busy) with spikes sized around the floor's threshold, so that the floor, the MAD and the
    // range shortcut each decide some cases.
    const input = fc
      .record({
        mads: fc.double({ min: 1, max: 15, noNaN: true }),
        n: fc.integer({ min: 2, max: 12 }),
        floor: fc.double({ min: 0, max: 0.02, noNaN: true }),
        noise: fc.constantFrom(0, 0.0002, 0.002, 0.02),
        steps: fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 9 }), fc.double({ min: 0.5, max: 2, noNaN: true })), { minLength: 1, maxLength: 200 }),
      })
      .map(({ mads, n, floor, noise, steps }) => {
        let p = 100;
        const closes = steps.map(([r, kind, k]) => {
          p *= 1 + r * noise;
          // one step in ten is a spike of k times the floor's threshold, up or down
          return kind === 0 ? p * (1 + k * mads * floor) : kind === 1 ? p * (1 - Math.min(0.9, k * mads * floor)) : p;
        });
        return { closes, mads, n, floor };
      });
    fc.assert(
      fc.property(input, ({ closes, mads, n, floor }) => {
        const all = reference(closes, mads, n, floor);
        expect(outlierIndexes(closes, mads, n, floor)).toEqual(all);
        // judging only the closes from some index on (the ones after a stored context)
        const from = closes.length >> 1;
        expect(outlierIndexes(closes, mads, n, floor, undefined, from)).toEqual(all.filter((i) => i >= from));
        // judging only some closes (a hole's candles among their stored neighbours)
        const judge = closes.map((_, i) => i % 3 !== 1);
        expect(outlierIndexes(closes, mads, n, floor, judge)).toEqual(all.filter((i) => judge[i]));
      }),
      { numRuns: 300 },
    );
  });
});
