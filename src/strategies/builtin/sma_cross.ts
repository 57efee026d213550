/**
 * sma_cross — the reference strategy of SPEC §7, kept exactly so results can be checked against independent
 * implementations: at the close of bar i, LONG when SMA(fast)[i] > SMA(slow)[i] and SMA(fast)[i−1] <= SMA(slow)[i−1]
 * while flat; CLOSE on the opposite cross while long; size 1.0; no stops. Periods are in bars of its timeframe.
 *
 * Its one precomputed series, `cross`, is +1 where the averages cross up at bar i, −1 where they cross down, 0
 * elsewhere: smaCrossings computes both averages in one pass, bit-identical to two sma() calls (the rule above), and
 * `when: 'cross'` lets a driver call onBar only where they cross.
 */
import { smaCrossings } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';

const LONG = Object.freeze({ side: 'LONG', confidence: 1, size: 1 } as const);
const CLOSE = Object.freeze({ side: 'CLOSE', confidence: 1, size: 1 } as const);

export const smaCross = defineStrategy({
  name: 'sma_cross',
  description: 'Reference: long on a fast-over-slow SMA cross while flat, close on the opposite cross',
  timeframe: '1h',
  params: {
    fast: { default: 10, min: 1, integer: true, description: 'fast SMA period, bars' },
    slow: { default: 30, min: 2, integer: true, description: 'slow SMA period, bars' },
  },
  warmupBars: (p) => Math.max(p.fast, p.slow),
  precompute: ({ candles, params }) => ({ cross: smaCrossings(candles.close, params.fast, params.slow) }),
  when: 'cross',
  onBar: ({ bar, position }) => {
    const cross = bar.value('cross');
    if (cross === 0) return null;
    const held = position();
    if (held === null && cross > 0) return LONG;
    if (held === 'LONG' && cross < 0) return CLOSE;
    return null;
  },
});
