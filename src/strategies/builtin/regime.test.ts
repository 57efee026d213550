import { describe, expect, it } from 'vitest';
import { regimeSeries } from './regime.js';

const P = { lowCorr: 0.15, highCorr: 0.5, minLeverage: 0.4, riskOffJump: 0.1, riskOffLevel: 0.25, riskOffCut: 0.5, riskOffDays: 5 };

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

/** Ten assets moving independently, then in lockstep for 12 days (day 120..131), then independently again. */
function market() {
  const r = Array.from({ length: 10 }, (_, k) => rng(k + 1));
  const common = rng(99);
  const n = 200;
  const closes = Array.from({ length: 10 }, () => new Float64Array(n));
  const p = closes.map(() => 100);
  for (let i = 0; i < n; i++) {
    const shared = common() * 0.04;
    for (let k = 0; k < 10; k++) {
      p[k] *= Math.exp(i >= 120 && i < 132 ? shared : r[k]() * 0.04);
      closes[k][i] = p[k];
    }
  }
  return closes;
}

describe('multi_bucket correlation regime', () => {
  const out = regimeSeries(market(), (d) => d, P);

  it('scales size from 1 at average correlation <= 0.15 to 0.4 at >= 0.5, linearly between', () => {
    let seen = 0;
    for (let i = 0; i < out.avgCorr.length; i++) {
      const c = out.avgCorr[i];
      if (Number.isNaN(c)) continue;
      const want = c <= 0.15 ? 1 : c >= 0.5 ? 0.4 : 1 - ((c - 0.15) / 0.35) * 0.6;
      expect(out.leverage[i]).toBeCloseTo(want, 12);
      seen++;
    }
    expect(seen).toBeGreaterThan(150);
    expect(Math.max(...out.avgCorr.slice(125, 135))).toBeGreaterThan(0.5);
  });

  it('cuts size on a correlation jump and lets the cut decay away (the original never reset it)', () => {
    const f = Array.from(out.riskOffFactor);
    const first = f.indexOf(0.5);
    expect(first).toBeGreaterThanOrEqual(120);
    expect(first).toBeLessThan(132);
    const last = f.lastIndexOf(0.5);
    // after the last trigger the cut shrinks by a fifth a day: 0.6, 0.7, 0.8, 0.9, then 1
    expect(f.slice(last + 1, last + 6).map((x) => Number(x.toFixed(12)))).toEqual([0.6, 0.7, 0.8, 0.9, 1]);
    expect(f.slice(last + 5).every((x) => x === 1)).toBe(true);
    expect(f.slice(0, 120).every((x) => x === 1)).toBe(true);
  });
});
