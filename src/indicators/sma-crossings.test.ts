/**
 * smaCrossings must mark exactly the bars where two sma() series cross, the rule written out here plainly (two
 * sma() calls and the comparison of each bar with the one before), on real candles, on random walks with NaN holes
 * and periods around the exact-recompute interval, and on a case small enough to check by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCsvCandles } from '../../test/helpers/real-candles.js';
import { sma } from './sma.js';
import { smaCrossings } from './sma-crossings.js';

/** The rule from two sma() outputs: +1 crossing up, −1 crossing down, 0 otherwise. */
function expected(x: Float64Array, fast: number, slow: number): number[] {
  const f = sma(x, fast);
  const s = sma(x, slow);
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i > 0 && f[i] > s[i] && f[i - 1] <= s[i - 1]) out.push(1);
    else if (i > 0 && f[i] < s[i] && f[i - 1] >= s[i - 1]) out.push(-1);
    else out.push(0);
  }
  return out;
}

function walk(n: number, seed: number, vol: number): Float64Array {
  let s = seed;
  let p = 100;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p *= Math.exp((s / 2147483648 - 0.5) * 2 * vol);
    out[i] = p;
  }
  return out;
}

describe('smaCrossings', () => {
  it('marks a hand-checked series', () => {
    // fast 1 (the value itself) against slow 3: sma3 = [NaN, NaN, 2, 2, 2, 3, 4, 3]
    const x = Float64Array.from([1, 2, 3, 1, 2, 6, 4, -1]);
    // bar 2: 3 > 2 but bar 1 has no slow average: 0. bar 3: 1 < 2 after 3 > 2: −1. bar 4: 2 = 2: 0.
    // bar 5: 6 > 3 after 2 <= 2: +1. bar 6: 4 = 4: 0. bar 7: −1 < 3 after 4 >= 4: −1.
    expect(Array.from(smaCrossings(x, 1, 3))).toEqual([0, 0, 0, -1, 0, 1, 0, -1]);
  });

  it('equals the crossings of two sma() series on real BTC 1h closes', () => {
    const { close } = loadCsvCandles();
    for (const [fast, slow] of [[10, 30], [5, 200], [50, 20], [1, 2]]) {
      const got = Array.from(smaCrossings(close, fast, slow));
      expect(got).toEqual(expected(close, fast, slow));
      expect(got.filter((v) => v !== 0).length).toBeGreaterThan(10);
    }
  });

  it('equals the crossings of two sma() series with NaN holes and periods around the recompute interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 2 }),
        fc.integer({ min: 1100, max: 3000 }),
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 900, max: 1100 })),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }), { maxLength: 3 }),
        (seed, n, fast, slow, holes) => {
          const x = walk(n, seed, 0.01);
          for (const h of holes) for (let i = h.at % n; i < Math.min(n, (h.at % n) + h.len); i++) x[i] = Number.NaN;
          expect(Array.from(smaCrossings(x, fast, slow))).toEqual(expected(x, fast, slow));
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('equals the crossings of two sma() series where the averages tie often (small integer prices)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1100, maxLength: 2600 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 12 }), (xs, fast, slow) => {
        const x = Float64Array.from(xs);
        const want = expected(x, fast, slow);
        expect(Array.from(smaCrossings(x, fast, slow))).toEqual(want);
      }),
      { numRuns: 80, seed: 11 },
    );
    // the ties are really there: two averages over windows of 2 and 4 bars of 1s and 2s are often equal
    const x = Float64Array.from({ length: 2_000 }, (_, i) => 1 + ((i * 7) % 3 === 0 ? 1 : 0));
    const f = sma(x, 2);
    const s = sma(x, 4);
    expect(f.filter((v, i) => v === s[i]).length).toBeGreaterThan(100);
    expect(Array.from(smaCrossings(x, 2, 4))).toEqual(expected(x, 2, 4));
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => smaCrossings(new Float64Array(5), 0, 3)).toThrow(/fast must be an integer >= 1/);
    expect(() => smaCrossings(new Float64Array(5), 2, 1.5)).toThrow(/slow must be an integer >= 1/);
  });
});
