/** Deterministic streams of valid alerts for paper-trading tests and the bench. */
import type { Signal, SignalSide } from '../../src/core/types.js';
import { type Alert, alertFromSignal } from '../../src/signals/alerts/index.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same alerts. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TEST_PRICES: Readonly<Record<string, number>> = { 'BTC/USDT': 100, 'ETH/USDT': 50, 'SOL/USDT': 20 };

/** `n` alerts over the test symbols, one millisecond apart from `start`, with ids derived from the seed and index. */
export function alertStream(n: number, start: number, seed = 7): Alert[] {
  const rnd = prng(seed);
  const symbols = Object.keys(TEST_PRICES);
  const sides: SignalSide[] = ['LONG', 'SHORT', 'CLOSE'];
  const out: Alert[] = [];
  for (let i = 0; i < n; i++) {
    const symbol = symbols[Math.floor(rnd() * symbols.length)];
    const side = sides[Math.floor(rnd() * sides.length)];
    const p = TEST_PRICES[symbol];
    const bracket = rnd() < 0.7;
    const signal: Signal = {
      ts: start + i,
      strategy: 'aggregate',
      symbol,
      side,
      confidence: 0.5 + rnd() / 2,
      strength: 'STRONG',
      price: p,
      size: 0.01 + rnd() * 0.07,
      stopLoss: bracket && side !== 'CLOSE' ? (side === 'LONG' ? p * 0.95 : p * 1.05) : null,
      takeProfit: bracket && side !== 'CLOSE' ? (side === 'LONG' ? p * 1.1 : p * 0.9) : null,
    };
    // The first 8 characters name the file (alertFileName), so they must differ between alerts.
    const id = `${(seed * 1_000_000 + i).toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-${seed.toString(16).padStart(12, '0')}`;
    out.push(alertFromSignal(signal, { id }));
  }
  return out;
}
