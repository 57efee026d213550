/** A run of missing candles: `from` is the first missing open time, `to` the last. */
export interface Gap {
  from: number;
  to: number;
  missing: number;
}

/** Missing grid points between consecutive timestamps (sorted ascending) of a series with the given step. */
export function findGaps(ts: ArrayLike<number>, stepMs: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i] - ts[i - 1];
    if (d > stepMs) {
      const missing = Math.round(d / stepMs) - 1;
      if (missing > 0) gaps.push({ from: ts[i - 1] + stepMs, to: ts[i] - stepMs, missing });
    }
  }
  return gaps;
}
