/**
 * Data freshness per item: how long available data waited to be stored (see `lagAt`), sampled before and after
 * every run and when asked. Keeps the maximum and the mean of the samples.
 */

export interface LagSummary {
  maxMs: number;
  meanMs: number;
  samples: number;
}

export class FreshnessTracker {
  private readonly byItem = new Map<string, { max: number; sum: number; n: number }>();

  sample(item: string, lagMs: number): void {
    const s = this.byItem.get(item) ?? { max: 0, sum: 0, n: 0 };
    s.max = Math.max(s.max, lagMs);
    s.sum += lagMs;
    s.n += 1;
    this.byItem.set(item, s);
  }

  /** Forgets the samples so far (e.g. those of a simulation's warm-up). */
  reset(): void {
    this.byItem.clear();
  }

  summary(): Record<string, LagSummary> {
    const out: Record<string, LagSummary> = {};
    for (const [item, s] of this.byItem) out[item] = { maxMs: s.max, meanMs: s.n ? s.sum / s.n : 0, samples: s.n };
    return out;
  }
}
