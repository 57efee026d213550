/**
 * Rolling mean and sum of squared deviations (M2) over a trailing window, by Welford's add/remove updates on
 * values shifted by a recent window mean. The naive E[x²] − E[x]² loses most of its digits on prices near 1e5
 * with a spread near 1e1; Welford keeps them, and the shift keeps the running mean small so its rounding does not
 * leak into M2. The window is recomputed exactly (two passes, new shift) every `recomputeEvery(period)` bars and
 * whenever M2 collapses far below its recent peak, keyed on the bar index and past values only, so that a prefix
 * of the series gives bit-identical results (no look-ahead, equal to streaming). Measured drift against a two-pass
 * recompute of every window: below 1e-10 relative on BTC/ETH 1h closes and random walks at any magnitude
 * (src/indicators/fast-path.property.test.ts checks 1e-9).
 *
 * Speed: while the window is clean, bars run in a fast block with no per-bar NaN bookkeeping, checked once at its
 * end and replayed by the general path if a NaN (or a collapse) turned up; see rollingMoments.
 *
 * NaN policy: a NaN inside the window makes the output NaN; once it has left the window the values recover.
 */

/** A power of two, so the schedule is a mask test. */
export const RECOMPUTE = 1024;

/** A window whose M2 falls below this share of its recent peak is recomputed exactly. */
const COLLAPSE = 1e-3;

/**
 * How often the moment kernels recompute their window exactly: often enough to bound rounding drift (worst seen
 * below 1e-10 relative with 1024 bars, above 1e-9 with 4096, on random walks), rarely enough to cost little.
 */
export function recomputeEvery(period: number): number {
  return Math.max(RECOMPUTE, 2 * period);
}

export interface Moments {
  /** Mean of the window, NaN until the window is full of finite values. */
  mean: Float64Array;
  /** Sum of squared deviations from the mean, NaN where mean is NaN; never negative. */
  m2: Float64Array;
}

/**
 * Two-pass moments of src[from..to] into out: [shift (the mean), mean of the values minus shift (rounding
 * residue, near 0), M2]. Kept out of the kernels' loops so their hot path stays small.
 */
function exactWindow(src: Float64Array, from: number, to: number, out: Float64Array): void {
  const len = to - from + 1;
  let sum = 0;
  for (let j = from; j <= to; j++) sum += src[j];
  const shift = sum / len;
  let dev = 0;
  for (let j = from; j <= to; j++) dev += src[j] - shift;
  const mu = dev / len;
  let acc = 0;
  for (let j = from; j <= to; j++) {
    const d = src[j] - shift - mu;
    acc += d * d;
  }
  out[0] = shift;
  out[1] = mu;
  out[2] = acc;
}

export function rollingMoments(src: Float64Array, period: number): Moments {
  const n = src.length;
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  if (period === 1) {
    // A one-value window: the value itself and an M2 of exactly 0. (The running update would carry rounding dust
    // there, and any dust is infinitely large relative to a true 0.)
    for (let i = 0; i < n; i++) {
      const x = src[i];
      mean[i] = x;
      m2[i] = x - x; // 0, or NaN where x is NaN or infinite
    }
    return { mean, m2 };
  }
  let count = 0; // finite values in the window
  let nans = 0; // NaN values in the window
  const every = recomputeEvery(period);
  let nextRecompute = 0;
  let shift = 0;
  let mu = 0; // mean of the shifted values
  let s = 0;
  let peak = 0; // largest M2 since the last exact recompute
  let slowUntil = 0; // bars before this index take the general path (a fast block failed there)
  const scratch = new Float64Array(3);
  let i = 0;
  while (i < n) {
    // Fast block: the window is full of finite values, so until the next scheduled recompute every bar is the
    // combined update with no NaN bookkeeping. It runs optimistically and is checked once at its end: a NaN input
    // makes mu and s NaN for good, and the collapse guard holds for every bar if the block's smallest M2 clears
    // the largest peak. Otherwise the block is replayed by the general path from its start. Either way the
    // arithmetic per bar is the general path's, so the results are bit-identical.
    if (count === period && i >= slowUntil && i < nextRecompute) {
      const end = nextRecompute < n ? nextRecompute : n;
      const mu0 = mu;
      const s0 = s;
      let lo = Number.POSITIVE_INFINITY; // least M2 in the block
      let hi = peak; // largest M2 since the last recompute
      for (let j = i; j < end; j++) {
        const x = src[j] - shift;
        const out = src[j - period] - shift;
        const d = x - out;
        const old = mu;
        mu += d / period;
        s += d * (x - mu + out - old);
        if (s < lo) lo = s;
        if (s > hi) hi = s;
        mean[j] = shift + mu;
        m2[j] = s;
      }
      if (lo >= hi * COLLAPSE && !Number.isNaN(s)) {
        peak = hi;
        i = end;
        continue;
      }
      mu = mu0;
      s = s0;
      slowUntil = end;
    }
    // General path: one bar with NaN bookkeeping, the collapse guard and the scheduled recompute.
    const x = src[i] - shift;
    const out = i >= period ? src[i - period] - shift : Number.NaN;
    const xIn = !Number.isNaN(x);
    const outFinite = i >= period && !Number.isNaN(out);
    if (i >= period && !outFinite) nans--;
    if (xIn && outFinite) {
      // Same count in and out: one combined update.
      const d = x - out;
      const old = mu;
      mu += d / count;
      s += d * (x - mu + out - old);
    } else {
      if (outFinite) {
        count--;
        if (count === 0) {
          mu = 0;
          s = 0;
        } else {
          const d = out - mu;
          mu -= d / count;
          s -= d * (out - mu);
        }
      }
      if (xIn) {
        count++;
        const d = x - mu;
        mu += d / count;
        s += d * (x - mu);
      } else {
        nans++;
        // The add/remove updates while the NaN is inside carry rounding from values that may dwarf the window
        // it recovers to: recompute exactly at the first clean window.
        nextRecompute = 0;
      }
    }
    if (i + 1 >= period && nans === 0) {
      if (s > peak) peak = s;
      // Rounding error in M2 scales with the largest M2 it has carried; when the window's spread collapses far
      // below that (a big move has left a short window) the error would dominate, so recompute.
      if (i >= nextRecompute || s < peak * COLLAPSE) {
        nextRecompute = i + every;
        exactWindow(src, i - period + 1, i, scratch);
        shift = scratch[0];
        mu = scratch[1];
        s = scratch[2];
        peak = s;
      }
      if (s < 0) s = 0;
      mean[i] = shift + mu;
      m2[i] = s;
    } else {
      mean[i] = Number.NaN;
      m2[i] = Number.NaN;
    }
    i++;
  }
  return { mean, m2 };
}

export interface CoMoments {
  meanX: Float64Array;
  meanY: Float64Array;
  /** Σ(x − x̄)² over the window. */
  m2x: Float64Array;
  /** Σ(y − ȳ)² over the window. */
  m2y: Float64Array;
  /** Σ(x − x̄)(y − ȳ) over the window. */
  cxy: Float64Array;
}

/**
 * Rolling co-moments of two series (the Welford update extended to a covariance). A bar where either value is
 * NaN counts as a NaN in the window for both; the output is NaN while such a bar is inside the window.
 */
export function rollingCoMoments(x: Float64Array, y: Float64Array, period: number): CoMoments {
  const n = x.length;
  const meanX = new Float64Array(n);
  const meanY = new Float64Array(n);
  const m2x = new Float64Array(n);
  const m2y = new Float64Array(n);
  const cxy = new Float64Array(n);
  let count = 0;
  let nans = 0;
  let mx = 0;
  let my = 0;
  let sx = 0;
  let sy = 0;
  let c = 0;
  const every = recomputeEvery(period);
  let nextRecompute = 0;
  let kx = 0; // shifts, as in rollingMoments
  let ky = 0;
  let peakX = 0;
  let peakY = 0;
  let slowUntil = 0; // as in rollingMoments
  const scratch = new Float64Array(7);
  let i = 0;
  while (i < n) {
    // Fast block, as in rollingMoments: the general path's combined update without NaN bookkeeping, checked at
    // its end (a NaN in either input makes its mean and M2 NaN for good) and replayed by the general path if the
    // check fails.
    if (count === period && i >= slowUntil && i < nextRecompute) {
      const end = nextRecompute < n ? nextRecompute : n;
      const mx0 = mx;
      const my0 = my;
      const sx0 = sx;
      const sy0 = sy;
      const c0 = c;
      let loX = Number.POSITIVE_INFINITY;
      let loY = Number.POSITIVE_INFINITY;
      let hiX = peakX;
      let hiY = peakY;
      for (let j = i; j < end; j++) {
        const a = x[j] - kx;
        const b = y[j] - ky;
        const oa = x[j - period] - kx;
        const ob = y[j - period] - ky;
        const da = a - oa;
        const db = b - ob;
        const oldX = mx;
        const oldY = my;
        mx += da / period;
        my += db / period;
        sx += da * (a - mx + oa - oldX);
        sy += db * (b - my + ob - oldY);
        c += (a - oldX) * (b - my) - (oa - oldX) * (ob - my);
        if (sx < loX) loX = sx;
        if (sx > hiX) hiX = sx;
        if (sy < loY) loY = sy;
        if (sy > hiY) hiY = sy;
        meanX[j] = kx + mx;
        meanY[j] = ky + my;
        m2x[j] = sx;
        m2y[j] = sy;
        cxy[j] = c;
      }
      if (loX >= hiX * COLLAPSE && loY >= hiY * COLLAPSE && !Number.isNaN(sx + sy)) {
        peakX = hiX;
        peakY = hiY;
        i = end;
        continue;
      }
      mx = mx0;
      my = my0;
      sx = sx0;
      sy = sy0;
      c = c0;
      slowUntil = end;
    }
    const a = x[i] - kx;
    const b = y[i] - ky;
    const inOk = !Number.isNaN(a) && !Number.isNaN(b);
    let oa = Number.NaN;
    let ob = Number.NaN;
    let outOk = false;
    if (i >= period) {
      oa = x[i - period] - kx;
      ob = y[i - period] - ky;
      outOk = !Number.isNaN(oa) && !Number.isNaN(ob);
      if (!outOk) nans--;
    }
    if (inOk && outOk) {
      // Same count in and out: one combined update (C' = C + (a − x̄)(b − ȳ') − (oa − x̄)(ob − ȳ')).
      const da = a - oa;
      const db = b - ob;
      const oldX = mx;
      const oldY = my;
      mx += da / count;
      my += db / count;
      sx += da * (a - mx + oa - oldX);
      sy += db * (b - my + ob - oldY);
      c += (a - oldX) * (b - my) - (oa - oldX) * (ob - my);
    } else {
      if (outOk) {
        count--;
        if (count === 0) {
          mx = my = sx = sy = c = 0;
        } else {
          const da = oa - mx;
          mx -= da / count;
          const db = ob - my;
          my -= db / count;
          sx -= da * (oa - mx);
          sy -= db * (ob - my);
          c -= da * (ob - my);
        }
      }
      if (inOk) {
        count++;
        const da = a - mx;
        mx += da / count;
        const db = b - my;
        my += db / count;
        sx += da * (a - mx);
        sy += db * (b - my);
        c += da * (b - my);
      } else {
        nans++;
        nextRecompute = 0; // as in rollingMoments
      }
    }
    if (i + 1 >= period && nans === 0) {
      if (sx > peakX) peakX = sx;
      if (sy > peakY) peakY = sy;
      if (i >= nextRecompute || sx < peakX * COLLAPSE || sy < peakY * COLLAPSE) {
        nextRecompute = i + every;
        exactCoWindow(x, y, i - period + 1, i, scratch);
        kx = scratch[0];
        mx = scratch[1];
        sx = scratch[2];
        ky = scratch[3];
        my = scratch[4];
        sy = scratch[5];
        c = scratch[6];
        peakX = sx;
        peakY = sy;
      }
      if (sx < 0) sx = 0;
      if (sy < 0) sy = 0;
      meanX[i] = kx + mx;
      meanY[i] = ky + my;
      m2x[i] = sx;
      m2y[i] = sy;
      cxy[i] = c;
    } else {
      meanX[i] = meanY[i] = m2x[i] = m2y[i] = cxy[i] = Number.NaN;
    }
    i++;
  }
  return { meanX, meanY, m2x, m2y, cxy };
}

/** exactWindow for x and y, plus the co-moment: out = [kx, mx, sx, ky, my, sy, c]. */
function exactCoWindow(x: Float64Array, y: Float64Array, from: number, to: number, out: Float64Array): void {
  exactWindow(x, from, to, out);
  const kx = out[0];
  const mx = out[1];
  const sx = out[2];
  exactWindow(y, from, to, out);
  const ky = out[0];
  const my = out[1];
  const sy = out[2];
  let qc = 0;
  for (let j = from; j <= to; j++) qc += (x[j] - kx - mx) * (y[j] - ky - my);
  out[0] = kx;
  out[1] = mx;
  out[2] = sx;
  out[3] = ky;
  out[4] = my;
  out[5] = sy;
  out[6] = qc;
}
