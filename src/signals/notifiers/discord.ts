/**
 * Discord webhooks: one message with one embed per alert. Discord answers 429 with a JSON body
 * `{retry_after: seconds, global}` and a Retry-After header; a short wait is honoured in place (then the post is
 * repeated), a long one goes back to the dispatcher as a RetryableError carrying the wait.
 */
import type { Clock } from '../../core/clock.js';
import type { Alert } from '../alerts/schema.js';
import { failFor, postJson, retryAfterMs } from './http.js';
import type { Notifier } from './types.js';

export interface DiscordOptions {
  clock: Clock;
  timeoutMs?: number;
  /** Longest 429 wait honoured in place; longer waits are left to the dispatcher's retry queue. */
  maxInlineWaitMs?: number;
  /** How many 429s in a row are waited out in place before handing over. */
  maxInlineRetries?: number;
}

const GREEN = 0x2ecc71;
const RED = 0xe74c3c;
const GREY = 0x95a5a6;

function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 100 ? n.toFixed(2) : n.toPrecision(6);
}

/** The embed Discord shows: title with side and symbol, the numbers a trader acts on, the strategies behind it. */
export function discordPayload(alert: Alert): Record<string, unknown> {
  const color = alert.direction === 'BUY' ? GREEN : alert.direction === 'SELL' ? RED : GREY;
  const fields = [
    { name: 'Price', value: fmt(alert.price), inline: true },
    { name: 'Confidence', value: `${(alert.confidence * 100).toFixed(0)}% (${alert.signal_strength})`, inline: true },
    { name: 'Size', value: `${(alert.position_size * 100).toFixed(2)}% of equity`, inline: true },
    { name: 'Stop loss', value: fmt(alert.stop_loss), inline: true },
    { name: 'Take profit', value: fmt(alert.take_profit), inline: true },
    { name: 'Strategy', value: alert.strategy_name, inline: true },
  ];
  if (alert.risk) fields.push({ name: 'Risk', value: `${alert.risk.level}${alert.risk.approved ? '' : ' — not approved'}`, inline: true });
  if (alert.alert_type === 'volatility_spike') {
    fields.push({ name: 'Volatility', value: `${fmt(alert.volatility_value)} (p${alert.volatility_percentile.toFixed(0)}, threshold ${fmt(alert.volatility_threshold)})`, inline: false });
  }
  const combined = alert.analysis_data.strategies_combined;
  const description = Array.isArray(combined) && combined.length ? `Strategies: ${combined.join(', ')}` : undefined;
  return {
    username: 'MTS',
    embeds: [
      {
        title: `${alert.signal_type} ${alert.symbol} — ${alert.direction}${alert.alert_type === 'volatility_spike' ? ' (volatility spike)' : ''}`,
        ...(description ? { description } : {}),
        color,
        fields,
        timestamp: new Date(alert.timestamp).toISOString(),
        footer: { text: `mts ${alert.id.slice(0, 8)}` },
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

export class DiscordNotifier implements Notifier {
  readonly channel = 'discord' as const;

  constructor(
    private readonly url: string,
    readonly target: string,
    private readonly opts: DiscordOptions,
  ) {}

  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(discordPayload(alert));
    const maxRetries = this.opts.maxInlineRetries ?? 3;
    const maxWait = this.opts.maxInlineWaitMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      const res = await postJson(this.url, body, {}, this.target, this.opts.timeoutMs ?? 10_000);
      if (res.status >= 200 && res.status < 300) return;
      const wait = res.status === 429 ? discordRetryAfter(res.text, res.headers, this.opts.clock.now()) : undefined;
      if (res.status === 429 && wait !== undefined && wait <= maxWait && attempt < maxRetries) {
        await this.opts.clock.sleep(wait);
        continue;
      }
      failFor(res, this.target, this.opts.clock.now(), wait);
    }
  }
}

/** Discord's wait: `retry_after` (seconds, fractional) from the JSON body, else the Retry-After header. */
export function discordRetryAfter(text: string, headers: Headers, now: number): number | undefined {
  try {
    const j = JSON.parse(text) as { retry_after?: unknown };
    if (typeof j.retry_after === 'number' && Number.isFinite(j.retry_after) && j.retry_after >= 0) return Math.ceil(j.retry_after * 1000);
  } catch {
    // not JSON: fall back to the header
  }
  return retryAfterMs(headers, now);
}
