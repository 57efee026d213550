import { describe, expect, it } from 'vitest';
import { candleProblem } from '../../core/candle-checks.js';
import { DAY_MS } from '../../core/time.js';
import { generateSampleMarket } from './market.js';

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('the seeded sample market', () => {
  const m = generateSampleMarket({ seed: 7 });

  it('is the same for the same seed and different for another', () => {
    const again = generateSampleMarket({ seed: 7 });
    const other = generateSampleMarket({ seed: 8 });
    const btc = m.candles.get('BTC/USDT')!;
    expect(Buffer.from(again.candles.get('BTC/USDT')!.close.buffer).equals(Buffer.from(btc.close.buffer))).toBe(true);
    expect(again.macro.get('VIXCLS')).toEqual(m.macro.get('VIXCLS'));
    expect(other.candles.get('BTC/USDT')!.close[1000]).not.toBe(btc.close[1000]);
  });

  it('has ten assets of sound 1h candles over two years, labelled synthetic', () => {
    expect(m.label).toMatch(/SYNTHETIC/);
    expect([...m.candles.keys()]).toHaveLength(10);
    for (const [symbol, c] of m.candles) {
      expect(c.length, symbol).toBe(2 * 365 * 24 + 24); // 2024 is a leap year
      for (let i = 0; i < c.length; i++) {
        const problem = candleProblem({ ts: c.ts[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] }, 3_600_000);
        if (problem) throw new Error(`${symbol} bar ${i}: ${problem}`);
      }
    }
  });

  it('moves assets together and VIX against crypto', () => {
    const daily = (symbol: string) => {
      const c = m.candles.get(symbol)!;
      const out: number[] = [];
      for (let i = 24; i < c.length; i += 24) out.push(Math.log(c.close[i] / c.close[i - 24]));
      return out;
    };
    const btc = daily('BTC/USDT');
    expect(pearson(btc, daily('ETH/USDT'))).toBeGreaterThan(0.5);
    expect(pearson(btc, daily('SOL/USDT'))).toBeGreaterThan(0.4);
    // VIX change on business day D vs BTC's return over the same day
    const vix = m.macro.get('VIXCLS')!.filter((o) => o.value !== null);
    const c = m.candles.get('BTC/USDT')!;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 1; k < vix.length; k++) {
      if (vix[k].date - vix[k - 1].date !== DAY_MS) continue;
      const i = (vix[k].date - m.start) / 3_600_000;
      xs.push(Math.log(c.close[i + 23] / c.open[i]));
      ys.push((vix[k].value as number) - (vix[k - 1].value as number));
    }
    expect(pearson(xs, ys)).toBeLessThan(-0.3);
  });

  it('publishes macro series on business days only', () => {
    for (const [series, obs] of m.macro) {
      expect(obs.length, series).toBeGreaterThan(500);
      for (const o of obs) expect([0, 6]).not.toContain(new Date(o.date).getUTCDay());
    }
  });
});
