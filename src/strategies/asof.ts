/**
 * The macro as-of join of SPEC §4: an observation dated D (00:00 UTC) becomes usable at D + 1 day 00:00 UTC
 * (FRED publishes after the US close), the last known value carries forward over weekends and holidays, and
 * missing observations (null) are skipped rather than read as zero. Nothing here can see a later publication.
 */
import { DAY_MS } from '../core/time.js';
import type { MacroObservation } from '../core/types.js';

/** How long after its date an observation becomes usable. */
export const MACRO_PUBLICATION_DELAY_MS = DAY_MS;

/** One macro series, missing values removed, ready for as-of lookups. */
export class AsOfSeries {
  /** When each kept observation becomes usable (date + 1 day), ascending. */
  readonly usableFrom: Float64Array;
  readonly values: Float64Array;

  constructor(readonly series: string, observations: readonly MacroObservation[]) {
    const kept = observations.filter((o) => o.value !== null && Number.isFinite(o.value)).sort((a, b) => a.date - b.date);
    this.usableFrom = new Float64Array(kept.length);
    this.values = new Float64Array(kept.length);
    for (let i = 0; i < kept.length; i++) {
      this.usableFrom[i] = kept[i].date + MACRO_PUBLICATION_DELAY_MS;
      this.values[i] = kept[i].value as number;
    }
  }

  get length(): number {
    return this.values.length;
  }

  /** Index of the latest observation usable at `at`, or -1 when none is yet. */
  indexAt(at: number): number {
    const u = this.usableFrom;
    let lo = 0;
    let hi = u.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (u[mid] <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The value known at `at` (NaN before the first publication). */
  valueAt(at: number): number {
    const i = this.indexAt(at);
    return i < 0 ? Number.NaN : this.values[i];
  }
}

/** Values of a macro series as known at each of `times` (ascending), carried forward; NaN before the first. */
export function asOfJoin(observations: readonly MacroObservation[] | AsOfSeries, times: Float64Array): Float64Array {
  const s = observations instanceof AsOfSeries ? observations : new AsOfSeries('', observations);
  const out = new Float64Array(times.length);
  let k = -1;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    // times ascend, so the as-of index only moves forward; fall back to search if a caller passes them unsorted
    if (i > 0 && t < times[i - 1]) k = s.indexAt(t);
    else while (k + 1 < s.length && s.usableFrom[k + 1] <= t) k++;
    out[i] = k < 0 ? Number.NaN : s.values[k];
  }
  return out;
}
