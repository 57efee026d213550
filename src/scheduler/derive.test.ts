import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataFile } from '../../test/helpers/env.js';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { Candle } from '../core/types.js';
import { columnsFromCandles } from '../storage/repos/candles.js';
import { foldCandles } from './derive.js';

function readCsv(name: string): Candle[] {
  return readFileSync(dataFile('candles', 'binance', name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [t, o, h, lo, c, v] = l.split(',');
      return { ts: Date.parse(`${t.length === 10 ? t : t.replace(' ', 'T')}${t.length === 10 ? 'T00:00:00Z' : 'Z'}`), open: +o, high: +h, low: +lo, close: +c, volume: +v };
    });
}

describe('coarse candles folded from fine ones', () => {
  it('Binance’s own 1d candles are the fold of its 1h candles (real BTC data, 2023)', () => {
    const from = Date.parse('2023-01-01T00:00:00Z');
    const to = Date.parse('2024-01-01T00:00:00Z');
    const hourly = readCsv('BTCUSDT_1h.csv').filter((c) => c.ts >= from && c.ts < to);
    const daily = new Map(readCsv('BTCUSDT_1d.csv').map((c) => [c.ts, c]));
    const folded = foldCandles(columnsFromCandles(hourly), HOUR_MS, DAY_MS);
    expect(folded.length).toBeGreaterThan(360);
    for (const c of folded) {
      const real = daily.get(c.ts)!;
      expect([c.open, c.high, c.low, c.close]).toEqual([real.open, real.high, real.low, real.close]);
      expect(c.volume).toBeCloseTo(real.volume, 3);
    }
  });

  it('leaves out a period with a fine candle missing', () => {
    const fine = [0, 1, 2, 3, 5, 6, 7].map((i) => ({ ts: i * 15 * 60_000, open: i, high: i + 1, low: i - 1, close: i + 0.5, volume: 1 }));
    const folded = foldCandles(columnsFromCandles(fine), 15 * 60_000, HOUR_MS);
    expect(folded).toEqual([{ ts: 0, open: 0, high: 4, low: -1, close: 3.5, volume: 4 }]);
  });
});
