/**
 * E-mail alerts through nodemailer, from an SMTP URL (`smtp://user:pass@host:587`, `smtps://…` for TLS).
 * SMTP 4xx replies and connection trouble are temporary (retry later); 5xx replies are permanent.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { GiveUpError, RetryableError } from '../../core/errors.js';
import type { Alert } from '../alerts/schema.js';
import type { Notifier } from './types.js';

export function emailSubject(alert: Alert): string {
  return `[MTS] ${alert.signal_type} ${alert.symbol} @ ${alert.price} (${Math.round(alert.confidence * 100)}% ${alert.signal_strength})`;
}

export function emailText(alert: Alert): string {
  const lines = [
    `${alert.signal_type} ${alert.symbol} (${alert.direction}) — ${alert.alert_type}`,
    `time:        ${new Date(alert.timestamp).toISOString()}`,
    `price:       ${alert.price}`,
    `confidence:  ${alert.confidence} (${alert.signal_strength})`,
    `size:        ${alert.position_size} of equity`,
    `stop loss:   ${alert.stop_loss ?? '-'}`,
    `take profit: ${alert.take_profit ?? '-'}`,
    `strategy:    ${alert.strategy_name}`,
  ];
  if (alert.risk) lines.push(`risk:        ${alert.risk.level}${alert.risk.approved ? '' : ' (not approved)'} ${alert.risk.reasons.join('; ')}`);
  lines.push('', 'The alert as JSON:', JSON.stringify(alert, null, 2));
  return lines.join('\n');
}

export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly to: readonly string[],
    private readonly from: string,
    readonly target: string,
    timeoutMs = 10_000,
  ) {
    const u = new URL(smtpUrl);
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // A local test server or relay without a certificate: STARTTLS is used when offered, not required.
      tls: { rejectUnauthorized: u.searchParams.get('tls_reject_unauthorized') !== 'false' },
    });
  }

  async send(alert: Alert): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: this.to.join(', '),
        subject: emailSubject(alert),
        text: emailText(alert),
        headers: { 'X-MTS-Alert-Id': alert.id },
      });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string };
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
        throw new GiveUpError('notify_smtp', `${this.target}: SMTP ${e.responseCode} (refused)`, { responseCode: e.responseCode });
      }
      const what = typeof e.responseCode === 'number' ? `SMTP ${e.responseCode}` : `connection failed (${e.code ?? 'error'})`;
      throw new RetryableError('notify_smtp', `${this.target}: ${what}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
