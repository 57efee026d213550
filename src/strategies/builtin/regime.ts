/**
 * The correlation regime of multi_bucket: the average pairwise correlation of daily returns across the universe
 * over 7/14/30/60 days, the size factor it implies, and a risk-off factor that starts when short-term correlation
 * jumps and decays back to 1 (the original's flag never reset).
 */
import { logReturns, rollingCorrelation } from '../../indicators/index.js';

export interface RegimeParams {
  lowCorr: number;
  highCorr: number;
  minLeverage: number;
  riskOffJump: number;
  riskOffLevel: number;
  riskOffCut: number;
  riskOffDays: number;
}

function averagePairwise(returns: Float64Array[], period: number, n: number): Float64Array {
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (let a = 0; a < returns.length; a++) {
    for (let b = a + 1; b < returns.length; b++) {
      const c = rollingCorrelation(returns[a], returns[b], period);
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(c[i])) {
          sum[i] += c[i];
          count[i]++;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : Number.NaN;
  return sum;
}

/** `closes`: every universe member's closes aligned to the same bars. */
export function regimeSeries(closes: Float64Array[], bars: (days: number) => number, p: RegimeParams): Record<string, Float64Array> {
  const n = closes[0]?.length ?? 0;
  const returns = closes.map((c) => logReturns(c));
  const windows = [7, 14, 30, 60].map((d) => averagePairwise(returns, bars(d), n));
  const avg = new Float64Array(n);
  const leverage = new Float64Array(n);
  const riskOff = new Float64Array(n);
  const decayPerBar = 1 / bars(p.riskOffDays);
  let level = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    let k = 0;
    for (const w of windows) {
      if (Number.isFinite(w[i])) {
        s += w[i];
        k++;
      }
    }
    avg[i] = k > 0 ? s / k : Number.NaN;
    const x = avg[i];
    const t = (x - p.lowCorr) / (p.highCorr - p.lowCorr || 1);
    leverage[i] = Number.isNaN(x) ? Number.NaN : x <= p.lowCorr ? 1 : x >= p.highCorr ? p.minLeverage : 1 - t * (1 - p.minLeverage);
    const c7 = windows[0][i];
    const c30 = windows[2][i];
    level = Math.max(0, level - decayPerBar);
    if (c7 - c30 > p.riskOffJump && c7 > p.riskOffLevel) level = 1;
    riskOff[i] = 1 - p.riskOffCut * level;
  }
  return { avgCorr: avg, leverage, riskOffFactor: riskOff };
}
