/**
 * The rolling kernels run a fast block while their window is clean and fall back to a general path (NaN
 * bookkeeping, collapse guard, exact recompute) otherwise; the two must agree. Checked here against a naive
 * recompute of every window, written plainly in the test (two passes per window, no running state), on random
 * walks of every magnitude with NaN holes (in one or both inputs), zeros and level jumps, and with periods around
 * and beyond the exact-recompute interval.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ind from './index.js';

/** A seeded geometric random walk: reproducible from the seed, whatever fast-check shrinks to. */
function walk(n: number, level: number, vol: number, seed: number): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  let p = level;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p *= Math.exp((s / 2147483648 - 0.5) * 2 * vol);
    out[i] = p;
  }
  return out;
}

/** Mean and Σ(x − mean)² of x[i−p+1..i] by two passes; NaN if the window holds a NaN. */
function naive(x: Float64Array, i: number, p: number): { mean: number; m2: number } {
  let sum = 0;
  for (let j = i - p + 1; j <= i; j++) sum += x[j];
  const mean = sum / p;
  let m2 = 0;
  for (let j = i - p + 1; j <= i; j++) m2 += (x[j] - mean) ** 2;
  return { mean, m2 };
}

function naiveCo(x: Float64Array, y: Float64Array, i: number, p: number): { sxx: number; syy: number; sxy: number; mx: number; my: number } {
  const a = naive(x, i, p);
  const b = naive(y, i, p);
  let sxy = 0;
  for (let j = i - p + 1; j <= i; j++) sxy += (x[j] - a.mean) * (y[j] - b.mean);
  // A NaN in y alone leaves a's sums finite: the bar still counts as a NaN for both.
  if (Number.isNaN(b.mean)) return { sxx: Number.NaN, syy: Number.NaN, sxy: Number.NaN, mx: Number.NaN, my: Number.NaN };
  return { sxx: a.m2, syy: b.m2, sxy, mx: a.mean, my: b.mean };
}

/** actual equals expected: both NaN, or within tol · max(floor, |expected|). Names the kernel and bar on failure. */
function near(what: string, i: number, actual: number, expected: number, tol: number, floor: number): void {
  const ok = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) <= tol * Math.max(floor, Math.abs(expected));
  if (!ok) expect({ what, i, actual }).toEqual({ what, i, actual: expected });
}

const scenario = fc.record({
  n: fc.integer({ min: 1100, max: 2600 }),
  level: fc.constantFrom(1e-4, 1, 40_000, 1e9),
  vol: fc.constantFrom(0.001, 0.01, 0.05),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
  // NaN runs: in x, in y, or in both.
  holes: fc.array(fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 40 }), which: fc.constantFrom(0, 1, 2) }), { maxLength: 4 }),
  // From `at` on, the series is scaled by `by`: a big move entering and later leaving the window.
  jumps: fc.array(fc.record({ at: fc.nat(), by: fc.constantFrom(0.01, 0.1, 10, 100) }), { maxLength: 2 }),
  period: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 31, max: 400 })),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario): { x: Float64Array; y: Float64Array } {
  const x = walk(s.n, s.level, s.vol, s.seed);
  const y = walk(s.n, s.level / 7, s.vol, (s.seed * 7 + 3) % 2147483647);
  for (let i = 0; i < s.n; i++) y[i] = 0.6 * y[i] + 0.4 * (x[i] / 7);
  for (const j of s.jumps) for (let i = j.at % s.n; i < s.n; i++) x[i] *= j.by;
  for (const h of s.holes) {
    for (let i = h.at % s.n; i < Math.min(s.n, (h.at % s.n) + h.len); i++) {
      if (h.which !== 1) x[i] = Number.NaN;
      if (h.which !== 0) y[i] = Number.NaN;
    }
  }
  return { x, y };
}

describe('rolling kernels: fast and general paths against a naive recompute of every window', () => {
  it('sma, rollingStd, bollinger and zscore equal the two-pass mean and std of each window (NaN exactly where the window holds one)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { x } = build(s);
        const p = s.period;
        const sma = ind.sma(x, p);
        const std = ind.rollingStd(x, p);
        const bb = ind.bollinger(x, p, 2);
        const z = ind.zscore(x, p);
        for (let i = 0; i < s.n; i++) {
          if (i < p - 1) {
            expect(Number.isNaN(sma[i]) && Number.isNaN(std[i]) && Number.isNaN(bb.upper[i]) && Number.isNaN(z[i])).toBe(true);
            continue;
          }
          const w = naive(x, i, p);
          const sd = Math.sqrt(w.m2 / p);
          near('sma', i, sma[i], w.mean, 1e-9, 0);
          near('rollingStd', i, std[i], sd, 1e-9, 1e-9 * Math.abs(w.mean));
          near('bollinger middle', i, bb.middle[i], w.mean, 1e-9, 0);
          near('bollinger upper', i, bb.upper[i], w.mean + 2 * sd, 1e-9, 0);
          if (p > 1 && sd > 1e-6 * Math.abs(w.mean)) near('zscore', i, z[i], (x[i] - w.mean) / sd, 1e-9, 1);
          else if (Number.isNaN(w.mean)) expect(Number.isNaN(z[i])).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rollingCorrelation and olsBeta equal the two-pass co-moments of each window (NaN in either input → NaN)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { x, y } = build(s);
        const p = Math.max(2, s.period);
        const r = ind.rollingCorrelation(x, y, p);
        const ols = ind.olsBeta(y, x, p);
        for (let i = p - 1; i < s.n; i++) {
          const w = naiveCo(x, y, i, p);
          near('rollingCorrelation', i, r[i], w.sxy / Math.sqrt(w.sxx * w.syy), 1e-9, 1);
          const beta = w.sxy / w.sxx;
          near('olsBeta beta', i, ols.beta[i], beta, 1e-9, 1);
          near('olsBeta alpha', i, ols.alpha[i], w.my - beta * w.mx, 1e-9, Math.abs(w.my));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('pctChange equals the plain ratio, with NaN where the base is zero, NaN or the value is NaN', () => {
    const special = fc.constantFrom(0, Number.NaN, Number.POSITIVE_INFINITY, -1, 1e-300, 1e300);
    fc.assert(
      fc.property(scenario, fc.array(fc.record({ at: fc.nat(), v: special }), { maxLength: 6 }), (s, marks) => {
        const { x } = build(s);
        for (const m of marks) x[m.at % s.n] = m.v;
        const lag = s.period;
        const out = ind.pctChange(x, lag);
        for (let i = 0; i < s.n; i++) {
          const r = i < lag ? Number.NaN : x[i] / x[i - lag] - 1;
          expect(Object.is(out[i], Number.isFinite(r) ? r : Number.NaN), `bar ${i}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stays within 1e-9 of the naive recompute over 200,000-bar random walks at every magnitude', () => {
    const n = 200_000;
    for (const level of [1e-6, 40_000, 1e12]) {
      const x = walk(n, level, 0.01, 12345);
      for (const p of [5, 20, 168]) {
        const sma = ind.sma(x, p);
        const std = ind.rollingStd(x, p);
        // Every bar for short windows, a stride for the long one (the naive recompute is O(p) per bar).
        const stride = p > 100 ? 7 : 1;
        for (let i = p - 1; i < n; i += stride) {
          const w = naive(x, i, p);
          near(`sma(${p}) at level ${level}`, i, sma[i], w.mean, 1e-9, 0);
          near(`rollingStd(${p}) at level ${level}`, i, std[i], Math.sqrt(w.m2 / p), 1e-9, 0);
        }
      }
    }
  });
});
