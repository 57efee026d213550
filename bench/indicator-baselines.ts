/**
 * Bare Float64Array loops doing the same arithmetic as the kernels in src/indicators, without their input
 * checks, NaN bookkeeping or periodic exact recompute: the floor a kernel is measured against.
 */

export function bareSma(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    if (i >= p) sum -= x[i - p];
    out[i] = sum / p;
  }
  return out;
}

export function bareEma(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  const a = 2 / (p + 1);
  let v = 0;
  for (let i = 0; i < x.length; i++) {
    if (i < p) {
      v += x[i] / p;
      out[i] = v;
    } else {
      v += a * (x[i] - v);
      out[i] = v;
    }
  }
  return out;
}

export function bareRsi(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  let g = 0;
  let l = 0;
  const keep = (p - 1) / p;
  for (let i = 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    g = g * keep + Math.max(d, 0) / p;
    l = l * keep + Math.max(-d, 0) / p;
    out[i] = l === 0 ? 100 : 100 - 100 / (1 + g / l);
  }
  return out;
}

export function bareMacd(x: Float64Array): Float64Array[] {
  const f = bareEma(x, 12);
  const s = bareEma(x, 26);
  for (let i = 0; i < x.length; i++) s[i] = f[i] - s[i];
  const sig = bareEma(s, 9);
  for (let i = 0; i < x.length; i++) f[i] = s[i] - sig[i];
  return [s, sig, f];
}

/** Welford mean and M2 with one combined add/remove update per bar. */
export function bareMoments(x: Float64Array, p: number): Float64Array[] {
  const mean = new Float64Array(x.length);
  const m2 = new Float64Array(x.length);
  let mu = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (i < p) {
      const d = v - mu;
      mu += d / (i + 1);
      s += d * (v - mu);
    } else {
      const o = x[i - p];
      const d = v - o;
      const old = mu;
      mu += d / p;
      s += d * (v - mu + o - old);
    }
    mean[i] = mu;
    m2[i] = s;
  }
  return [mean, m2];
}

export function bareBollinger(x: Float64Array, p: number, k: number): Float64Array[] {
  const [mean, m2] = bareMoments(x, p);
  const lower = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const band = k * Math.sqrt(m2[i] / p);
    m2[i] = mean[i] + band;
    lower[i] = mean[i] - band;
  }
  return [mean, m2, lower];
}

export function bareStd(x: Float64Array, p: number): Float64Array {
  const [, m2] = bareMoments(x, p);
  for (let i = 0; i < x.length; i++) m2[i] = Math.sqrt(m2[i] / p);
  return m2;
}

export function bareZscore(x: Float64Array, p: number): Float64Array {
  const [mean, m2] = bareMoments(x, p);
  for (let i = 0; i < x.length; i++) m2[i] = (x[i] - mean[i]) / Math.sqrt(m2[i] / p);
  return m2;
}

export function bareAtr(h: Float64Array, l: Float64Array, c: Float64Array, p: number): Float64Array {
  const out = new Float64Array(c.length);
  let v = 0;
  for (let i = 1; i < c.length; i++) {
    const pc = c[i - 1];
    const tr = Math.max(h[i] - l[i], Math.abs(h[i] - pc), Math.abs(l[i] - pc));
    v = (v * (p - 1) + tr) / p;
    out[i] = v;
  }
  return out;
}

export function bareMax(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  const dq = new Int32Array(x.length);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < x.length; i++) {
    if (tail > head && dq[head] <= i - p) head++;
    while (tail > head && x[dq[tail - 1]] <= x[i]) tail--;
    dq[tail++] = i;
    out[i] = x[dq[head]];
  }
  return out;
}

export function bareDrawdown(x: Float64Array, p: number): Float64Array {
  const out = bareMax(x, p);
  for (let i = 0; i < x.length; i++) out[i] = (out[i] - x[i]) / out[i];
  return out;
}

/** Welford co-moments: add while filling the window, then one combined replace update per bar, as the kernel. */
export function bareCoMoments(x: Float64Array, y: Float64Array, p: number): Float64Array[] {
  const n = x.length;
  const mxs = new Float64Array(n);
  const mys = new Float64Array(n);
  const sxs = new Float64Array(n);
  const sys = new Float64Array(n);
  const cs = new Float64Array(n);
  let mx = 0;
  let my = 0;
  let sx = 0;
  let sy = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const b = y[i];
    if (i < p) {
      const k = i + 1;
      const da = a - mx;
      mx += da / k;
      const db = b - my;
      my += db / k;
      sx += da * (a - mx);
      sy += db * (b - my);
      c += da * (b - my);
    } else {
      const oa = x[i - p];
      const ob = y[i - p];
      const da = a - oa;
      const db = b - ob;
      const ox = mx;
      const oy = my;
      mx += da / p;
      my += db / p;
      sx += da * (a - mx + oa - ox);
      sy += db * (b - my + ob - oy);
      c += (a - ox) * (b - my) - (oa - ox) * (ob - my);
    }
    mxs[i] = mx;
    mys[i] = my;
    sxs[i] = sx;
    sys[i] = sy;
    cs[i] = c;
  }
  return [mxs, mys, sxs, sys, cs];
}

export function bareCorrelation(x: Float64Array, y: Float64Array, p: number): Float64Array {
  const [, , sx, sy, c] = bareCoMoments(x, y, p);
  for (let i = 0; i < x.length; i++) c[i] = c[i] / Math.sqrt(sx[i] * sy[i]);
  return c;
}

export function bareOls(y: Float64Array, x: Float64Array, p: number): Float64Array[] {
  const [mx, my, sx, , c] = bareCoMoments(x, y, p);
  for (let i = 0; i < x.length; i++) {
    const b = c[i] / sx[i];
    const a = my[i] - b * mx[i];
    c[i] = b;
    my[i] = a;
    mx[i] = y[i] - a - b * x[i];
  }
  return [my, c, mx];
}

export function barePercentileRank(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  const w = new Float64Array(p);
  let size = 0;
  const upper = (v: number) => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (w[m] <= v) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  for (let i = 0; i < x.length; i++) {
    if (i >= p) {
      let at = upper(x[i - p]) - 1;
      while (at > 0 && w[at - 1] === x[i - p]) at--;
      w.copyWithin(at, at + 1, size);
      size--;
    }
    const at = upper(x[i]);
    w.copyWithin(at + 1, at, size);
    w[at] = x[i];
    size++;
    out[i] = (upper(x[i]) / p) * 100;
  }
  return out;
}

export function bareLogReturns(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 1; i < x.length; i++) out[i] = Math.log(x[i] / x[i - 1]);
  return out;
}

export function barePctChange(x: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = lag; i < x.length; i++) out[i] = x[i] / x[i - lag] - 1;
  return out;
}
