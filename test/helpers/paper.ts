/** Builders for paper-trading tests: a store with flat candles, a config, an engine on a virtual clock, alerts. */
import { randomUUID } from 'node:crypto';
import { buildConfig, type ConfigInput } from '../../src/config/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { HOUR_MS } from '../../src/core/time.js';
import type { Candle, Signal, SignalSide } from '../../src/core/types.js';
import { PaperEngine } from '../../src/paper/engine.js';
import { alertFromSignal, type Alert } from '../../src/signals/alerts/index.js';
import { openStore, type Store } from '../../src/storage/store.js';

/** 2025-01-01 00:00 UTC: the start of every test market. */
export const T0 = Date.UTC(2025, 0, 1);

/** `n` hourly candles of constant price from T0 (high/low 1% around it, so ATR and volatility exist). */
export function flatCandles(price: number, n = 48, from = T0): Candle[] {
  return Array.from({ length: n }, (_, i) => ({ ts: from + i * HOUR_MS, open: price, high: price * 1.01, low: price * 0.99, close: price, volume: 1000 }));
}

export interface PaperFixture {
  store: Store;
  clock: VirtualClock;
  engine: PaperEngine;
  config: ReturnType<typeof buildConfig>;
}

/** A store holding `prices` (symbol → constant price, 48 hourly candles), and an engine whose clock stands after them. */
export async function paperFixture(url: string, prices: Record<string, number>, config: ConfigInput = {}, log: Logger = silentLogger): Promise<PaperFixture> {
  const store = await openStore(url);
  for (const [symbol, p] of Object.entries(prices)) await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, flatCandles(p));
  const cfg = buildConfig({ assets: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], ...config });
  const clock = new VirtualClock(T0 + 48 * HOUR_MS + 60_000);
  const engine = await PaperEngine.open({ store, config: cfg, clock, log });
  return { store, clock, engine, config: cfg };
}

/** A valid mts.alert/v1 alert (built by the signals module) for a signal at `ts`. */
export function alertOf(side: SignalSide, ts: number, over: Partial<Signal> = {}, id = randomUUID()): Alert {
  const signal: Signal = {
    ts,
    strategy: 'aggregate',
    symbol: 'BTC/USDT',
    side,
    confidence: 0.8,
    strength: 'STRONG',
    price: 100,
    size: 0.05,
    stopLoss: side === 'LONG' ? 95 : side === 'SHORT' ? 105 : null,
    takeProfit: side === 'LONG' ? 110 : side === 'SHORT' ? 90 : null,
    ...over,
  };
  return alertFromSignal(signal, { id });
}
