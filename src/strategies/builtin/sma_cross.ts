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
  precompute: ({ candles, params }) => ({ fast: sma(candles.close, params.fast), slow: sma(candles.close, params.slow) }),
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
