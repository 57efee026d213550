import type { Alert } from '../alerts/schema.js';

export type ChannelName = 'discord' | 'webhook' | 'email';

/**
 * One delivery target. `target` is a masked label (`discord#1`, `webhook#2`, `email#1`): it goes to logs, the
 * deliveries table and metrics; the URL or address it stands for never does.
 * `send` resolves when the receiver accepted the alert; otherwise it throws a RetryableError (try again later,
 * with `retryAfterMs` when the receiver said how long) or a GiveUpError (the receiver refused it for good).
 * Error messages name the target label, never the URL.
 */
export interface Notifier {
  readonly channel: ChannelName;
  readonly target: string;
  send(alert: Alert): Promise<void>;
}
