import type { Signal } from '../../src/core/types.js';

/** The aggregate BTC signal of SPEC §8's example alert, for alert and notifier tests. */
export const SPEC_SIGNAL: Signal = Object.freeze({
  ts: 1758031296664,
  strategy: 'aggregate',
  symbol: 'BTC/USDT',
  side: 'LONG',
  confidence: 0.82,
  strength: 'STRONG',
  price: 115279.5,
  size: 0.02,
  stopLoss: 109515.5,
  takeProfit: 126807.5,
});
