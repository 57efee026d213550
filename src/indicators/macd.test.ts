import { MACD } from 'technicalindicators';
import { EMA as TsEMA, MACD as TsMACD } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { macd } from './macd.js';

describe('macd', () => {
  const { close } = loadCsvCandles();
  const ours = macd(close, 12, 26, 9);

  it('equals technicalindicators (EMA oscillator and signal, SMA seeds) on real BTC 1h closes', () => {
    const ti = MACD.calculate({
      values: Array.from(close),
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
      format: (v: number) => v,
    } as never);
    // technicalindicators emits from the first MACD value (index 25) with the signal undefined during its warm-up.
    const offset = close.length - ti.length;
    expect(offset).toBe(25);
    const line = new Float64Array(close.length).fill(Number.NaN);
    const signal = new Float64Array(close.length).fill(Number.NaN);
    const hist = new Float64Array(close.length).fill(Number.NaN);
    ti.forEach((r, j) => {
      line[offset + j] = r.MACD ?? Number.NaN;
      signal[offset + j] = r.signal ?? Number.NaN;
      hist[offset + j] = r.histogram ?? Number.NaN;
    });
    expectSeriesClose(ours.macd, line, 25);
    expectSeriesClose(ours.signal, signal, 25 + 8);
    expectSeriesClose(ours.histogram, hist, 25 + 8);
    expect(Number.isNaN(ours.macd[24]) && Number.isNaN(ours.signal[32])).toBe(true);
  });

  it('equals trading-signals once its first-price EMA seeds have decayed', () => {
    const ts = new TsMACD(new TsEMA(12), new TsEMA(26), new TsEMA(9));
    const line = new Float64Array(close.length).fill(Number.NaN);
    const signal = new Float64Array(close.length).fill(Number.NaN);
    close.forEach((c, i) => {
      const r = ts.add(c);
      if (r) {
        line[i] = r.macd;
        signal[i] = r.signal;
      }
    });
    // Seeds differ by up to a few % of price; (25/27)^n falls below 1e-13 after ~1500 bars.
    expectSeriesClose(ours.macd, line, 1500);
    expectSeriesClose(ours.signal, signal, 1500);
  });
});
