import { RECOMPUTE } from './moments.js';
import { checkPeriod } from './validate.js';

const MASK = RECOMPUTE - 1;

/** +1 crossing up, −1 crossing down, 0 otherwise (any NaN among the four values compares false: 0). */
function crossing(f: number, s: number, f1: number, s1: number): number {
  if (f > s) return f1 <= s1 ? 1 : 0;
  if (f < s) return f1 >= s1 ? -1 : 0;
  return 0;
}

/**
 * Where two simple moving averages of one series cross: at bar i, +1 where sma(fast)[i] > sma(slow)[i] and
 * sma(fast)[i−1] <= sma(slow)[i−1] (crossing up), −1 where sma(fast)[i] < sma(slow)[i] and
 * sma(fast)[i−1] >= sma(slow)[i−1] (crossing down), 0 elsewhere — including wherever either average is NaN at i or
 * i−1 (warm-up, a NaN input inside a window).
 *
 * One pass with both running sums instead of two sma() calls and a pass over their outputs: the averages are
 * bit-identical to sma()'s (the same operations in the same order, the same exact recompute every RECOMPUTE bars, the
 * same NaN bookkeeping), so the crossings are exactly those of the two sma() series (src/indicators/sma-crossings.test.ts
 * checks this on random walks with NaN gaps), without two output arrays to allocate, write and read back.
 */
export function smaCrossings(src: Float64Array, fastPeriod: number, slowPeriod: number): Float64Array {
  checkPeriod('smaCrossings', 'fast', fastPeriod);
  checkPeriod('smaCrossings', 'slow', slowPeriod);
  const n = src.length;
  const out = new Float64Array(n);
  const pf = fastPeriod;
  const ps = slowPeriod;
  const warm = pf > ps ? pf : ps;
  let sf = 0;
  let ss = 0;
  let nanF = 0;
  let nanS = 0;
  // the averages at the bar before
  let f1 = Number.NaN;
  let s1 = Number.NaN;
  let slowUntil = 0; // bars before this index take the general path (a fast block failed there)
  let i = 0;
  while (i < n) {
    // Fast block (both windows filled and clean, up to the next scheduled recompute): sma()'s two updates per
    // average without NaN bookkeeping, run optimistically; a NaN input leaves a sum NaN until the next recompute, so
    // one check at the end tells whether the block saw one, and if so it is replayed by the general path.
    if (i >= warm && nanF === 0 && nanS === 0 && i >= slowUntil && (i & MASK) !== 0) {
      const next = (i | MASK) + 1;
      const end = next < n ? next : n;
      const sf0 = sf;
      const ss0 = ss;
      const f10 = f1;
      const s10 = s1;
      for (let j = i; j < end; j++) {
        const x = src[j];
        sf += x;
        sf -= src[j - pf];
        ss += x;
        ss -= src[j - ps];
        const f = sf / pf;
        const s = ss / ps;
        // (the output starts at 0: only crossings are written; a failed block is rewritten whole by the replay)
        if (f > s) {
          if (f1 <= s1) out[j] = 1;
        } else if (f < s) {
          if (f1 >= s1) out[j] = -1;
        }
        f1 = f;
        s1 = s;
      }
      if (!Number.isNaN(sf) && !Number.isNaN(ss)) {
        i = end;
        continue;
      }
      sf = sf0;
      ss = ss0;
      f1 = f10;
      s1 = s10;
      slowUntil = end;
    }
    // General path, one bar: each average exactly as sma() computes it (warm-up, NaN bookkeeping, recompute).
    const x = src[i];
    const nanX = Number.isNaN(x);
    let f: number;
    if (nanX) nanF++;
    else sf += x;
    if (i < pf) {
      f = i === pf - 1 && nanF === 0 ? sf / pf : Number.NaN;
    } else {
      const old = src[i - pf];
      if (Number.isNaN(old)) nanF--;
      else sf -= old;
      if (nanF === 0) {
        if ((i & MASK) === 0) {
          sf = 0;
          for (let j = i - pf + 1; j <= i; j++) sf += src[j];
        }
        f = sf / pf;
      } else f = Number.NaN;
    }
    let s: number;
    if (nanX) nanS++;
    else ss += x;
    if (i < ps) {
      s = i === ps - 1 && nanS === 0 ? ss / ps : Number.NaN;
    } else {
      const old = src[i - ps];
      if (Number.isNaN(old)) nanS--;
      else ss -= old;
      if (nanS === 0) {
        if ((i & MASK) === 0) {
          ss = 0;
          for (let j = i - ps + 1; j <= i; j++) ss += src[j];
        }
        s = ss / ps;
      } else s = Number.NaN;
    }
    out[i] = crossing(f, s, f1, s1);
    f1 = f;
    s1 = s;
    i++;
  }
  return out;
}
