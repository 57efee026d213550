/**
 * Sends each alert to every configured channel and records one delivery per alert × channel × target.
 *
 * - Never throws into the pipeline and never waits on a dead receiver: each channel gets one attempt (bounded
 *   by its timeout); a temporary failure becomes a `pending` delivery whose `ts` is when the next attempt is
 *   due, and `retryPending()` (called on a schedule, see `runRetryLoop`) works that queue with exponential
 *   backoff, honouring Retry-After. After `maxAttempts` a delivery is `failed`; a permanent refusal fails at once.
 * - Cooldown: an alert for the same asset and direction as one sent (or still pending) within `cooldownMs`
 *   (compared on alert timestamps, so replays behave as live runs) is not sent; its deliveries are `skipped`.
 * - The queue lives in the deliveries table, with the alert bodies in the alerts table: a restart loses nothing.
 */
import type { Clock } from '../../core/clock.js';
import { isRetryable, type RetryableError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import type { DeliveryRecord } from '../../storage/repos/signals.js';
import type { Store } from '../../storage/store.js';
import { type Alert, storedAlert, validateAlert } from '../alerts/schema.js';
import type { Notifier } from './types.js';

export interface DispatcherOptions {
  notifiers: readonly Notifier[];
  store: Store;
  clock: Clock;
  log: Logger;
  cooldownMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface DeliveryOutcome {
  alertId: string;
  channel: string;
  target: string;
  status: DeliveryRecord['status'];
  attempts: number;
  error?: string;
}

export class AlertDispatcher {
  private readonly lastSent = new Map<string, number>();
  private readonly seeded = new Set<string>();
  private readonly byTarget: Map<string, Notifier>;

  constructor(private readonly opts: DispatcherOptions) {
    this.byTarget = new Map(opts.notifiers.map((n) => [key(n.channel, n.target), n]));
  }

  get channels(): number {
    return this.opts.notifiers.length;
  }

  /**
   * Delivers one alert to every channel (once each; failures are queued). Resolves with one outcome per
   * channel × target; never rejects.
   */
  async dispatch(alert: Alert, file: string | null = null): Promise<DeliveryOutcome[]> {
    return this.guarded(alert, file, true);
  }

  /**
   * Queues one alert for every channel without sending anything: the deliveries are stored as `pending`, due
   * now, and the next `retryPending()` (the retry loop) sends them. The caller waits for the database only.
   */
  async enqueue(alert: Alert, file: string | null = null): Promise<DeliveryOutcome[]> {
    return this.guarded(alert, file, false);
  }

  private async guarded(alert: Alert, file: string | null, sendNow: boolean): Promise<DeliveryOutcome[]> {
    try {
      return await this.dispatchUnsafe(alert, file, sendNow);
    } catch (err) {
      // The store itself failed: say so loudly, but the pipeline goes on.
      this.opts.log.error({ alertId: alert.id, err: errorText(err) }, 'alert dispatch failed');
      return [];
    }
  }

  private async dispatchUnsafe(alert: Alert, file: string | null, sendNow: boolean): Promise<DeliveryOutcome[]> {
    if (this.opts.notifiers.length === 0) return [];
    await this.opts.store.signals.insertAlert(
      storedAlert(alert, file),
      this.opts.clock.now(),
    );
    const existing = await this.opts.store.signals.listDeliveries(alert.id);
    if (existing.length > 0) return existing.map((d) => ({ ...d, error: d.lastError ?? undefined }));
    if (await this.inCooldown(alert)) {
      const out: DeliveryOutcome[] = [];
      for (const n of this.opts.notifiers) {
        out.push(await this.record(alert.id, n, 'skipped', 0, 'cooldown: same asset and direction sent recently', this.opts.clock.now()));
      }
      this.opts.log.info({ alertId: alert.id, asset: alert.asset, direction: alert.direction }, 'alert not re-sent (cooldown)');
      return out;
    }
    const k = cooldownKey(alert);
    const before = this.lastSent.get(k);
    this.lastSent.set(k, alert.timestamp);
    if (!sendNow) {
      const now = this.opts.clock.now();
      return Promise.all(this.opts.notifiers.map((n) => this.record(alert.id, n, 'pending', 0, null, now)));
    }
    const out = await Promise.all(this.opts.notifiers.map((n) => this.attempt(alert, n, 1)));
    // Nothing went out and nothing will: this alert must not silence the next one.
    if (!out.some((o) => o.status === 'sent' || o.status === 'pending')) {
      if (before === undefined) this.lastSent.delete(k);
      else this.lastSent.set(k, before);
    }
    return out;
  }

  /** Retries the pending deliveries that are due; resolves with what happened to each; never rejects. */
  async retryPending(limit = 200): Promise<DeliveryOutcome[]> {
    let due: DeliveryRecord[];
    try {
      due = await this.opts.store.signals.deliveriesByStatus('pending', { dueBy: this.opts.clock.now(), limit });
    } catch (err) {
      this.opts.log.error({ err: errorText(err) }, 'reading the pending alert deliveries failed');
      return [];
    }
    const out: DeliveryOutcome[] = [];
    for (const d of due) {
      const n = this.byTarget.get(key(d.channel, d.target));
      try {
        const stored = await this.opts.store.signals.getAlert(d.alertId);
        const parsed = stored ? validateAlert(stored.body) : ({ ok: false, reason: 'alert not found in the store' } as const);
        if (!n || !parsed.ok) {
          const why = !n ? `channel ${d.target} is no longer configured` : `stored alert unreadable: ${(parsed as { reason: string }).reason}`;
          out.push(await this.record(d.alertId, { channel: d.channel, target: d.target }, 'failed', d.attempts, why, this.opts.clock.now()));
          continue;
        }
        out.push(await this.attempt(parsed.alert, n, d.attempts + 1));
      } catch (err) {
        this.opts.log.error({ alertId: d.alertId, target: d.target, err: errorText(err) }, 'alert retry failed');
      }
    }
    return out;
  }

  /** Calls retryPending every `everyMs` of the clock until the signal aborts. */
  async runRetryLoop(everyMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.opts.clock.sleep(everyMs, signal);
      } catch {
        return;
      }
      await this.retryPending();
    }
  }

  private async attempt(alert: Alert, n: Notifier, attempts: number): Promise<DeliveryOutcome> {
    const now = () => this.opts.clock.now();
    try {
      await n.send(alert);
      this.opts.log.info({ alertId: alert.id, channel: n.channel, target: n.target, attempts }, 'alert delivered');
      return await this.record(alert.id, n, 'sent', attempts, null, now());
    } catch (err) {
      const msg = errorText(err);
      if (isRetryable(err) && attempts < this.opts.maxAttempts) {
        const wait = Math.max(this.backoff(attempts), (err as RetryableError).retryAfterMs ?? 0);
        this.opts.log.warn({ alertId: alert.id, channel: n.channel, target: n.target, attempts, retryInMs: wait, err: msg }, 'alert delivery will be retried');
        return await this.record(alert.id, n, 'pending', attempts, msg, now() + wait);
      }
      this.opts.log.error({ alertId: alert.id, channel: n.channel, target: n.target, attempts, err: msg }, 'alert delivery failed');
      return await this.record(alert.id, n, 'failed', attempts, msg, now());
    }
  }

  private backoff(attempts: number): number {
    const base = this.opts.baseBackoffMs ?? 30_000;
    return Math.min(this.opts.maxBackoffMs ?? 3_600_000, base * 2 ** (attempts - 1));
  }

  private async record(
    alertId: string,
    n: { channel: string; target: string },
    status: DeliveryRecord['status'],
    attempts: number,
    error: string | null,
    ts: number,
  ): Promise<DeliveryOutcome> {
    await this.opts.store.signals.recordDelivery({ alertId, channel: n.channel, target: n.target, status, attempts, lastError: error, ts });
    metrics.deliveries.inc({ channel: n.channel, status });
    return { alertId, channel: n.channel, target: n.target, status, attempts, ...(error ? { error } : {}) };
  }

  /** Sent or pending alerts for the same asset and direction within the cooldown, in memory or in the store. */
  private async inCooldown(alert: Alert): Promise<boolean> {
    const k = cooldownKey(alert);
    const cd = this.opts.cooldownMs;
    if (cd <= 0) return false;
    if (!this.seeded.has(k)) {
      this.seeded.add(k);
      const recent = await this.opts.store.signals.listAlerts({ symbol: alert.symbol, from: alert.timestamp - cd, to: alert.timestamp, limit: 50 });
      for (const a of recent.items) {
        if (a.id === alert.id || (a.body as { direction?: string }).direction !== alert.direction) continue;
        const ds = await this.opts.store.signals.listDeliveries(a.id);
        if (ds.some((d) => d.status === 'sent' || d.status === 'pending')) {
          this.lastSent.set(k, Math.max(this.lastSent.get(k) ?? Number.NEGATIVE_INFINITY, a.ts));
        }
      }
    }
    const last = this.lastSent.get(k);
    return last !== undefined && alert.timestamp >= last && alert.timestamp - last < cd;
  }
}

function key(channel: string, target: string): string {
  return `${channel}\u0000${target}`;
}

function cooldownKey(alert: Alert): string {
  return `${alert.asset}|${alert.direction}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
