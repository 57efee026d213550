/**
 * The hourly signal step of `mts run`: the enabled strategies as of the hour, their aggregate, alert files for
 * the confident ones, and each new alert handed to the notifiers (whose failures are queued, never thrown here).
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { aggregateSignals, aggregationOptions } from '../signals/aggregate.js';
import { emitAlerts } from '../signals/alerting.js';
import { type Alert, validateAlert } from '../signals/alerts/schema.js';
import type { Signal } from '../core/types.js';
import { enabledStrategies, generateSignals } from '../signals/generate.js';
import type { AlertDispatcher } from '../signals/notifiers/index.js';
import type { Store } from '../storage/store.js';
import { StrategyRegistry } from '../strategies/registry.js';
import type { SignalStep } from './runner.js';

/** Something that holds the running config (a ConfigHolder); read at every step, so a reload takes effect at the next one. */
export interface ConfigSource {
  readonly current: Config;
}

export interface SignalStepOptions {
  config: Config | ConfigSource;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Where alerts are sent; none in simulations. */
  dispatcher?: Pick<AlertDispatcher, 'dispatch'>;
  alertsDir?: string;
  /** Called with each new alert after it is recorded (scale-out appends it to the alert stream). */
  publish?: (alert: Alert) => Promise<void>;
  /** Called with each step's signals (scale-out caches them). */
  onSignals?: (at: number, signals: readonly Signal[]) => Promise<void>;
}

export function createSignalStep(o: SignalStepOptions): SignalStep {
  const registry = new StrategyRegistry();
  const source: ConfigSource = 'current' in o.config ? o.config : { current: o.config };
  return async (at) => {
    const config = source.current;
    const strategies = enabledStrategies(registry, config);
    const result = await generateSignals({ store: o.store, config, at, strategies, log: o.log });
    const aggregated = aggregateSignals(result.signals, aggregationOptions(config));
    const emitted = await emitAlerts(o.store, config, aggregated, o.clock.now(), o.alertsDir);
    for (const e of emitted.errors) o.log.error({ at }, e);
    if (o.onSignals) await o.onSignals(at, result.signals).catch((err) => o.log.warn({ err: String(err) }, 'caching the latest signals failed'));
    if (o.dispatcher || o.publish) {
      for (const a of emitted.alerts) {
        const stored = await o.store.signals.getAlert(a.id);
        const parsed = stored ? validateAlert(stored.body) : undefined;
        if (!parsed?.ok) continue;
        if (o.dispatcher) await o.dispatcher.dispatch(parsed.alert, a.file);
        // The alert is recorded and its file written either way; a failed append is logged with the alert id.
        if (o.publish) await o.publish(parsed.alert).catch((err) => o.log.error({ alert: parsed.alert.id, err: String(err) }, 'appending the alert to the alert stream failed'));
      }
    }
    if (result.signals.length || emitted.alerts.length) o.log.info({ signals: result.signals.length, aggregated: aggregated.length, alerts: emitted.alerts.length }, 'signals generated');
    return { signals: result.signals.length, alerts: emitted.alerts.length };
  };
}
