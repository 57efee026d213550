/** One benchmark result row: a figure and its ratio against a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  figure: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** figure / baseline, in the sense "higher is better" unless `lowerIsBetter`. */
  ratio: number;
  target?: string;
  lowerIsBetter?: boolean;
}

export type Bench = () => Promise<BenchResult[]>;

/** Runs fn `runs` times and returns the best wall time in ms (best-of-N resists noise on shared machines). */
export async function bestOf(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * Runs fn `runs` times and returns the least CPU time in ms the process spent on it (user + system, all threads).
 * For single-threaded work on a shared machine: other processes' load stretches wall time, not this.
 */
export async function bestCpuOf(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n < 10 ? 3 : 1);
}
