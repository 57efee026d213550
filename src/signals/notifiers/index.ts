/** Builds the notifiers and the dispatcher from the `notifiers` section of the config. */
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { parseDuration } from '../../core/time.js';
import type { Store } from '../../storage/store.js';
import { DiscordNotifier } from './discord.js';
import { AlertDispatcher } from './dispatcher.js';
import { EmailNotifier } from './email.js';
import type { Notifier } from './types.js';
import { WebhookNotifier } from './webhook.js';

export { AlertDispatcher, type DeliveryOutcome, type DispatcherOptions } from './dispatcher.js';
export { DiscordNotifier, discordPayload, discordRetryAfter } from './discord.js';
export { EmailNotifier, emailSubject, emailText } from './email.js';
export type { ChannelName, Notifier } from './types.js';
export { signBody, WebhookNotifier } from './webhook.js';

/** One notifier per configured target, labelled `discord#1`, `webhook#1`, `email#1` (the label is all that is logged). */
export function createNotifiers(config: Pick<Config, 'notifiers'>, clock: Clock, timeoutMs = 10_000): Notifier[] {
  const n = config.notifiers;
  const out: Notifier[] = [];
  n.discordWebhookUrls.forEach((url, i) => {
    out.push(new DiscordNotifier(url, `discord#${i + 1}`, { clock, timeoutMs }));
  });
  n.webhookUrls.forEach((url, i) => {
    out.push(new WebhookNotifier(url, `webhook#${i + 1}`, { clock, secret: n.webhookSecret, timeoutMs }));
  });
  if (n.smtpUrl && n.emailTo.length > 0) out.push(new EmailNotifier(n.smtpUrl, n.emailTo, n.emailFrom, 'email#1', timeoutMs));
  return out;
}

export function createDispatcher(config: Pick<Config, 'notifiers'>, deps: { store: Store; clock: Clock; log: Logger; notifiers?: Notifier[] }): AlertDispatcher {
  return new AlertDispatcher({
    notifiers: deps.notifiers ?? createNotifiers(config, deps.clock),
    store: deps.store,
    clock: deps.clock,
    log: deps.log,
    cooldownMs: parseDuration(config.notifiers.cooldown, 'notifiers.cooldown'),
    maxAttempts: config.notifiers.maxAttempts,
  });
}
