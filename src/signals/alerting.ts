/**
 * Aggregated signals at or above aggregation.alertMinConfidence become `mts.alert/v1` alert files (atomic writer)
 * in the alerts dir, each also recorded in the Store with its file name.
 */
import type { Config } from '../config/schema.js';
import { metrics } from '../core/metrics.js';
import type { Store } from '../storage/store.js';
import type { AggregatedSignal } from './aggregate.js';
import { alertFromSignal, writeAlert } from './alerts/index.js';

export interface EmittedAlert {
  id: string;
  symbol: string;
  side: string;
  confidence: number;
  file: string;
}

/** Writes and records the alerts; one that cannot be made (e.g. an asset without a CoinGecko id) is reported, not fatal. */
export async function emitAlerts(
  store: Store,
  config: Config,
  aggregated: readonly AggregatedSignal[],
  now: number,
  dir = config.alertsDir,
): Promise<{ alerts: EmittedAlert[]; errors: string[] }> {
  const out: EmittedAlert[] = [];
  const errors: string[] = [];
  for (const a of aggregated) {
    if (a.confidence < config.aggregation.alertMinConfidence) continue;
    let alert: ReturnType<typeof alertFromSignal>;
    let file: string;
    try {
      alert = alertFromSignal(a);
      file = await writeAlert(alert, dir);
    } catch (err) {
      errors.push(`alert for ${a.symbol}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    await store.signals.insertAlert(
      {
        id: alert.id,
        ts: alert.timestamp,
        symbol: alert.symbol,
        asset: alert.asset,
        alert_type: alert.alert_type,
        signal_type: alert.signal_type,
        confidence: alert.confidence,
        strategy_name: alert.strategy_name,
        file,
        body: alert as unknown as Record<string, unknown>,
      },
      now,
    );
    metrics.alerts.inc({ type: alert.alert_type });
    out.push({ id: alert.id, symbol: alert.symbol, side: alert.signal_type, confidence: alert.confidence, file });
  }
  return { alerts: out, errors };
}
