import { rmSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { DAY_MS } from '../core/time.js';
import type { Signal } from '../core/types.js';
import { type AggregatedSignal, aggregateOverTime, aggregationOptions } from '../signals/aggregate.js';
import { alertFromSignal, storedAlert, writeAlert } from '../signals/alerts/index.js';
import { alertIdFor } from '../signals/alerting.js';
import { generateSignals } from '../signals/generate.js';
import type { Store } from '../storage/store.js';
import type { StrategyRegistry } from '../strategies/registry.js';

export interface SignalsStageResult {
  from: number;
  to: number;
  per_strategy: { strategy: string; signals: number; long: number; short: number; close: number }[];
  aggregated: number;
  alerts: number;
  alerts_dir: string;
  alert_min_confidence: number;
  failures: { strategy: string; error: string }[];
}

/**
 * Every built-in strategy over the sample period (after a warm-up of `warmupDays`), their aggregate moment by
 * moment, and the aggregated signals above the alert threshold written as mts.alert/v1 files.
 */
export async function runSignalsStage(o: {
  store: Store;
  config: Config;
  registry: StrategyRegistry;
  start: number;
  end: number;
  alertsDir: string;
  warmupDays?: number;
  log: Logger;
}): Promise<{ result: SignalsStageResult; signals: Signal[]; aggregated: AggregatedSignal[] }> {
  const from = o.start + (o.warmupDays ?? 120) * DAY_MS;
  const gen = await generateSignals({ store: o.store, config: o.config, at: o.end, since: from, strategies: o.registry.list(), persist: true, log: o.log });
  const aggregated = aggregateOverTime(gen.signals, aggregationOptions(o.config));
  rmSync(o.alertsDir, { recursive: true, force: true });
  const alerts = aggregated.filter((a) => a.confidence >= o.config.aggregation.alertMinConfidence).map((a) => alertFromSignal(a, { id: alertIdFor(a) }));
  // files in parallel batches (each is still written atomically and synced), records in one transaction
  const files: string[] = [];
  for (let i = 0; i < alerts.length; i += 64) files.push(...(await Promise.all(alerts.slice(i, i + 64).map((a) => writeAlert(a, o.alertsDir)))));
  await o.store.transaction(async (tx) => {
    for (let i = 0; i < alerts.length; i++) {
      const alert = alerts[i];
      await tx.signals.insertAlert(
        storedAlert(alert, files[i]),
        alert.timestamp,
      );
    }
  });
  const names = o.registry.list().map((e) => e.name);
  const per_strategy = names.map((strategy) => {
    const mine = gen.signals.filter((s) => s.strategy === strategy);
    return {
      strategy,
      signals: mine.length,
      long: mine.filter((s) => s.side === 'LONG').length,
      short: mine.filter((s) => s.side === 'SHORT').length,
      close: mine.filter((s) => s.side === 'CLOSE').length,
    };
  });
  return {
    result: { from, to: o.end, per_strategy, aggregated: aggregated.length, alerts: alerts.length, alerts_dir: o.alertsDir, alert_min_confidence: o.config.aggregation.alertMinConfidence, failures: gen.failures.map((f) => ({ strategy: f.strategy, error: f.error })) },
    signals: gen.signals,
    aggregated,
  };
}
