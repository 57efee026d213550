import { InputError } from '../core/errors.js';

/** Rejects a window length that is not a positive integer (at least `min`), naming the kernel and the value. */
export function checkPeriod(kernel: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError('indicator_period', `${kernel}: ${name} must be an integer >= ${min}, got ${String(value)}`, { kernel, [name]: value });
  }
}

/** Rejects paired series of different lengths: every kernel reads them bar by bar. */
export function checkSameLength(kernel: string, ...series: Float64Array[]): void {
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) {
      throw new InputError('indicator_length', `${kernel}: input series must have the same length, got ${series.map((x) => x.length).join(' and ')}`, {
        kernel,
      });
    }
  }
}

/** A fresh output array of length n, all NaN (the warm-up value). */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
