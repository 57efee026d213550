/**
 * Aggregated signals at or above aggregation.alertMinConfidence become `mts.alert/v1` alerts, recorded in the
 * Store (and written as files by the alert writer).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { baseOf, coingeckoIdOf } from '../core/assets.js';
import type { Store } from '../storage/store.js';
import type { AggregatedSignal } from './aggregate.js';

export interface EmittedAlert {
  id: string;
  symbol: string;
  side: string;
  confidence: number;
  file: string | null;
}

export function alertBody(a: AggregatedSignal, id: string = randomUUID()): Record<string, unknown> {
  return {
    schema: 'mts.alert/v1',
    id,
    timestamp: a.ts,
    alert_type: 'trading_signal',
    asset: coingeckoIdOf(a.symbol) ?? baseOf(a.symbol).toLowerCase(),
    symbol: a.symbol,
    signal_type: a.side,
    direction: a.side === 'SHORT' ? 'SELL' : 'BUY',
    price: a.price,
    confidence: a.confidence,
    signal_strength: a.strength,
    strategy_name: a.strategy,
    position_size: a.size,
    stop_loss: a.stopLoss,
    take_profit: a.takeProfit,
    analysis_data: a.meta,
  };
}

export async function emitAlerts(store: Store, config: Config, aggregated: readonly AggregatedSignal[], now: number): Promise<EmittedAlert[]> {
  const out: EmittedAlert[] = [];
  for (const a of aggregated) {
    if (a.confidence < config.aggregation.alertMinConfidence) continue;
    const body = alertBody(a);
    const id = body.id as string;
    await store.signals.insertAlert(
      { id, ts: a.ts, symbol: a.symbol, asset: body.asset as string, alert_type: 'trading_signal', signal_type: a.side, confidence: a.confidence, strategy_name: a.strategy, file: null, body },
      now,
    );
    out.push({ id, symbol: a.symbol, side: a.side, confidence: a.confidence, file: null });
  }
  return out;
}
