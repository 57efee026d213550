/**
 * sma_cross — the reference strategy of SPEC §7, kept exactly so results can be checked against independent
 * implementations: at the close of bar i, LONG when SMA(fast)[i] > SMA(slow)[i] and SMA(fast)[i−1] <= SMA(slow)[i−1]
 * while flat; CLOSE on the opposite cross while long; size 1.0; no stops. Periods are in bars of its timeframe.
 */
import { sma } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';

export const smaCross = defineStrategy({
  name: 'sma_cross',
  description: 'Reference: long on a fast-over-slow SMA cross while flat, close on the opposite cross',
  timeframe: '1h',
  params: {
    fast: { default: 10, min: 1, integer: true, description: 'fast SMA period, bars' },
    slow: { default: 30, min: 2, integer: true, description: 'slow SMA period, bars' },
  },
  warmupBars: (p) => Math.max(p.fast, p.slow),
  precompute: ({ candles, params }) => {
    const fast = sma(candles.close, params.fast);
    const slow = sma(candles.close, params.slow);
    // 1 where the averages cross (either way) at bar i, else 0: onBar can only act there (see `when`)
    const n = fast.length;
    const cross = new Float64Array(n);
    let f1 = n > 0 ? fast[0] : 0;
    let s1 = n > 0 ? slow[0] : 0;
    for (let i = 1; i < n; i++) {
      const f0 = fast[i];
      const s0 = slow[i];
      if ((f0 > s0 && f1 <= s1) || (f0 < s0 && f1 >= s1)) cross[i] = 1;
      f1 = f0;
      s1 = s0;
    }
    return { fast, slow, cross };
  },
  when: 'cross',
  onBar: ({ bar, position }) => {
    const f0 = bar.value('fast');
    const s0 = bar.value('slow');
    const f1 = bar.value('fast', 1);
    const s1 = bar.value('slow', 1);
    const held = position();
    if (held === null && f0 > s0 && f1 <= s1) return { side: 'LONG', confidence: 1, size: 1 };
    if (held === 'LONG' && f0 < s0 && f1 >= s1) return { side: 'CLOSE', confidence: 1, size: 1 };
    return null;
  },
});
