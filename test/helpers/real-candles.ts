import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { emptyColumns } from '../../src/storage/repos/candles.js';
import { dataFile } from './env.js';

export type OhlcvColumns = ReturnType<typeof emptyColumns>;

const cache = new Map<string, OhlcvColumns>();

/** Reads a shared-data candle CSV (`timestamp,open,high,low,close,volume`) into columns. */
export function loadCsvCandles(relPath = 'candles/binance/BTCUSDT_1h.csv'): OhlcvColumns {
  const hit = cache.get(relPath);
  if (hit) return hit;
  const lines = readFileSync(dataFile(relPath), 'utf8').trim().split('\n').slice(1);
  const n = lines.length;
  const cols = emptyColumns(n);
  lines.forEach((line, i) => {
    const [t, o, h, l, c, v] = line.split(',');
    cols.ts[i] = Date.parse(`${t.replace(' ', 'T')}Z`);
    cols.open[i] = Number(o);
    cols.high[i] = Number(h);
    cols.low[i] = Number(l);
    cols.close[i] = Number(c);
    cols.volume[i] = Number(v);
  });
  cache.set(relPath, cols);
  return cols;
}

/**
 * Asserts actual[i] ≈ expected[i] for i >= from (every `stride`-th index): |a − e| <= tol · max(1, |e|)
 * (relative where values are large). Reports the first mismatching index.
 */
export function expectSeriesClose(actual: ArrayLike<number>, expected: ArrayLike<number>, from: number, tol = 1e-9, stride = 1): void {
  expect(actual.length).toBe(expected.length);
  let checked = 0;
  for (let i = from; i < actual.length; i += stride) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    if (!ok) expect({ index: i, value: a }).toEqual({ index: i, value: e });
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
}

/** A peer library's output (shorter: warm-up dropped) aligned to the input length with NaN in front. */
export function alignRight(values: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  out.set(Array.from(values), n - values.length);
  return out;
}
