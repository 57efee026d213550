/**
 * The backtest loop feeds CurveStats whole stretches at a time (addConstant for a stretch with no position,
 * addMarked for one with a position held) and single points (add) in between. The summary must be bit for bit the
 * one of the same points added one by one (summarizeCurve), whatever the stretches, their lengths, the gaps between
 * bar times, the midnights they cross (some points exactly on one) and the drawdowns and recoveries inside them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurveStats, summarizeCurve } from './metrics.js';

const H = 3_600_000;
const D = 86_400_000;

const piece = fc.record({
  kind: fc.constantFrom('one', 'constant', 'marked'),
  len: fc.integer({ min: 1, max: 80 }),
  cash: fc.double({ min: -50, max: 5_000, noNaN: true }),
  qty: fc.double({ min: -3, max: 3, noNaN: true }),
});

describe('CurveStats stretches', () => {
  it('give the summary of the same points added one by one', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 2 ** 31 - 2 }),
        fc.constantFrom(H, 15 * 60_000, D, 4 * H),
        (pieces, seed, bar) => {
          let r = seed;
          const rnd = () => {
            r = (r * 1103515245 + 12345) % 2147483648;
            return r / 2147483648;
          };
          const total = pieces.reduce((s, p) => s + (p.kind === 'one' ? 1 : p.len), 0);
          // bar open times: mostly regular, sometimes a gap of several bars; the start on or just off a midnight
          const ts = new Float64Array(total);
          const price = new Float64Array(total);
          let t = Date.UTC(2024, 0, 1) - (rnd() < 0.5 ? bar : 0);
          let p = 100;
          for (let i = 0; i < total; i++) {
            ts[i] = t;
            t += rnd() < 0.1 ? bar * (2 + Math.floor(rnd() * 30)) : bar;
            p *= Math.exp((rnd() - 0.5) * 0.1);
            price[i] = p;
          }
          const stats = new CurveStats();
          const curveTs: number[] = [];
          const curveEq: number[] = [];
          stats.add(ts[0], 1_000);
          curveTs.push(ts[0]);
          curveEq.push(1_000);
          let i = 0;
          for (const pc of pieces) {
            const from = i;
            const to = Math.min(total, i + (pc.kind === 'one' ? 1 : pc.len));
            if (pc.kind === 'one') stats.add(ts[from] + bar, pc.cash + pc.qty * price[from]);
            else if (pc.kind === 'constant') stats.addConstant(ts, from, to, bar, pc.cash);
            else stats.addMarked(ts, price, from, to, bar, pc.cash, pc.qty);
            for (let k = from; k < to; k++) {
              curveTs.push(ts[k] + bar);
              curveEq.push(pc.kind === 'constant' ? pc.cash : pc.cash + pc.qty * price[k]);
            }
            i = to;
          }
          const want = summarizeCurve({ ts: curveTs, equity: curveEq, length: curveTs.length });
          expect(stats.finish()).toEqual(want);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('a long held stretch over many days gives the daily returns of its closes', () => {
    const n = 24 * 40;
    const ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * H);
    const price = Float64Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 50));
    const stats = new CurveStats();
    stats.add(ts[0], 1_000);
    stats.addMarked(ts, price, 0, n, H, 200, 8);
    const s = stats.finish();
    // the equity as of 00:00 of Jan d + 1 is the close of the bar opening at 23:00 on Jan d: bar 24d − 1; as of
    // Jan 1 00:00 it is the start (1,000). 41 midnights, Jan 1 to Feb 10 (the last close), give 40 returns.
    const eq = (i: number) => 200 + 8 * price[i];
    expect(s.returns.length).toBe(40);
    expect(s.returns[0]).toBe(eq(23) / 1_000 - 1);
    expect(s.returns[1]).toBe(eq(47) / eq(23) - 1);
    expect(s.returns[10]).toBe(eq(24 * 11 - 1) / eq(24 * 10 - 1) - 1);
    expect(s.returns[39]).toBe(eq(n - 1) / eq(n - 25) - 1);
    expect(s.count).toBe(n + 1);
    expect(s.finalEquity).toBe(eq(n - 1));
  });
});
