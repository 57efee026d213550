/**
 * Aggregated signals at or above aggregation.alertMinConfidence become `mts.alert/v1` alert files (atomic writer)
 * in the alerts dir, each also recorded in the Store with its file name.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { metrics } from '../core/metrics.js';
import type { Store } from '../storage/store.js';
import type { AggregatedSignal } from './aggregate.js';
import { riskVerdicts } from './verdict.js';
import { alertFileName, alertFromSignal, storedAlert, writeAlert } from './alerts/index.js';

export interface EmittedAlert {
  id: string;
  symbol: string;
  side: string;
  confidence: number;
  file: string;
}

/**
 * The alert id is derived from what the alert says (symbol, side, moment), so generating signals again for the
 * same moment finds the alert already recorded and writes no second file for the paper trader to act on twice.
 */
export function alertIdFor(a: Pick<AggregatedSignal, 'strategy' | 'symbol' | 'side' | 'ts'>): string {
  const h = createHash('sha1').update(`${a.strategy}|${a.symbol}|${a.side}|${a.ts}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
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
  const passing = aggregated.filter((a) => a.confidence >= config.aggregation.alertMinConfidence);
  const verdicts = await riskVerdicts(store, config, passing, now);
  for (let k = 0; k < passing.length; k++) {
    const a = passing[k];
    let alert: ReturnType<typeof alertFromSignal>;
    try {
      alert = alertFromSignal(a, { id: alertIdFor(a), risk: verdicts[k] });
    } catch (err) {
      errors.push(`alert for ${a.symbol}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const file = path.join(dir, alertFileName(alert));
    const fresh = await store.signals.insertAlert(
      storedAlert(alert, file),
      now,
    );
    if (!fresh) continue;
    try {
      await writeAlert(alert, dir);
    } catch (err) {
      errors.push(`alert file for ${a.symbol} (${file}): ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    metrics.alerts.inc({ type: alert.alert_type });
    out.push({ id: alert.id, symbol: alert.symbol, side: alert.signal_type, confidence: alert.confidence, file });
  }
  return { alerts: out, errors };
}
