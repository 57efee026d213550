/**
 * Generic JSON webhooks: the alert itself is the body. With a secret, `X-MTS-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of the exact bytes sent, so a receiver verifies before parsing (as GitHub's webhooks do).
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Alert } from '../alerts/schema.js';
import { failFor, postJson } from './http.js';
import type { Notifier } from './types.js';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook' as const;

  constructor(
    private readonly url: string,
    readonly target: string,
    private readonly opts: { clock: Clock; secret?: string; timeoutMs?: number },
  ) {}

  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    const headers: Record<string, string> = { 'x-mts-alert-id': alert.id };
    if (this.opts.secret) headers['x-mts-signature'] = signBody(body, this.opts.secret);
    const res = await postJson(this.url, body, headers, this.target, this.opts.timeoutMs ?? 10_000);
    if (res.status >= 200 && res.status < 300) return;
    failFor(res, this.target, this.opts.clock.now());
  }
}
