/**
 * How long a failing item waits before it runs again: base × factor^(failures − 1), at most cap. There is no
 * failure count after which an item stops: the hundredth failure waits the cap and runs again, as the first did
 * (the original disabled a task for good after three).
 */
export interface BackoffPolicy {
  baseMs: number;
  factor: number;
  capMs: number;
}

export function backoffDelay(failures: number, p: BackoffPolicy): number {
  if (failures <= 0) return 0;
  // exponent bounded so factor^n stays finite for any failure count
  const exponent = Math.min(failures - 1, 64);
  const delay = p.baseMs * p.factor ** exponent;
  return Number.isFinite(delay) ? Math.min(p.capMs, delay) : p.capMs;
}
