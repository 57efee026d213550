import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { answer, type FakeReceiver, startReceiver } from '../../../test/helpers/receivers.js';
import { SPEC_SIGNAL } from '../../../test/helpers/signals.js';
import type { Clock } from '../../core/clock.js';
import { GiveUpError, RetryableError } from '../../core/errors.js';
import { alertFromSignal } from '../alerts/schema.js';
import { DiscordNotifier } from './discord.js';
import { EmailNotifier } from './email.js';
import { WebhookNotifier } from './webhook.js';

/** A clock whose sleeps return at once and are recorded: what the notifier waited, without waiting. */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.UTC(2025, 0, 1), sleep: async (ms: number) => void slept.push(ms) };
}

const alert = alertFromSignal({ ...SPEC_SIGNAL, meta: { strategies_combined: ['vix_correlation', 'mean_reversion'] } });
const open: { close: () => unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});
async function receiver(reply: Parameters<typeof startReceiver>[0]): Promise<FakeReceiver> {
  const r = await startReceiver(reply);
  open.push(r);
  return r;
}

describe('Discord notifier', () => {
  it('posts an embed and honours a 429 retry_after from the JSON body, then succeeds on 204', async () => {
    const discord = await receiver((_req, res, n) =>
      n === 1 ? answer(res, 429, JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.25, global: false }), { 'retry-after': '1' }) : answer(res, 204),
    );
    const clock = recordingClock();
    await new DiscordNotifier(discord.url('/api/webhooks/123/tok'), 'discord#1', { clock }).send(alert);
    expect(clock.slept).toEqual([250]);
    expect(discord.received.length).toBe(2);
    const body = JSON.parse(discord.received[1].body);
    expect(body.embeds[0].title).toBe('LONG BTC/USDT — BUY');
    expect(body.embeds[0].description).toBe('Strategies: vix_correlation, mean_reversion');
    expect(body.embeds[0].fields.find((f: { name: string }) => f.name === 'Price').value).toBe('115279.50');
    expect(body.embeds[0].timestamp).toBe(new Date(SPEC_SIGNAL.ts).toISOString());
  });

  it('falls back to the Retry-After header when the 429 body has no retry_after', async () => {
    const discord = await receiver((_req, res, n) => (n === 1 ? answer(res, 429, 'slow down', { 'retry-after': '2' }) : answer(res, 204)));
    const clock = recordingClock();
    await new DiscordNotifier(discord.url(), 'discord#1', { clock }).send(alert);
    expect(clock.slept).toEqual([2000]);
  });

  it('hands a long 429 wait back as a RetryableError carrying the wait; a 404 is given up', async () => {
    const limited = await receiver((_req, res) => answer(res, 429, JSON.stringify({ retry_after: 600 })));
    const err = await new DiscordNotifier(limited.url(), 'discord#1', { clock: recordingClock() }).send(alert).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.retryAfterMs).toBe(600_000);
    const gone = await receiver((_req, res) => answer(res, 404, '{"message": "Unknown Webhook"}'));
    await expect(new DiscordNotifier(gone.url(), 'discord#2', { clock: recordingClock() }).send(alert)).rejects.toBeInstanceOf(GiveUpError);
  });
});

describe('webhook notifier', () => {
  it('posts the alert as JSON with an HMAC-SHA256 signature of the exact body that verifies', async () => {
    const secret = 'hook-secret-0123456789';
    const hook = await receiver((req, res) => {
      const expected = `sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`;
      answer(res, req.headers['x-mts-signature'] === expected ? 200 : 401);
    });
    await new WebhookNotifier(hook.url('/hook'), 'webhook#1', { clock: recordingClock(), secret }).send(alert);
    expect(JSON.parse(hook.received[0].body)).toEqual(alert);
    expect(hook.received[0].headers['content-type']).toBe('application/json');
    // A receiver with another secret refuses: the signature really depends on the secret.
    const other = await receiver((req, res) => answer(res, req.headers['x-mts-signature'] === `sha256=${createHmac('sha256', 'other').update(req.body).digest('hex')}` ? 200 : 401));
    await expect(new WebhookNotifier(other.url(), 'webhook#2', { clock: recordingClock(), secret }).send(alert)).rejects.toThrow('webhook#2: HTTP 401 (refused)');
  });

  it('sends no signature without a secret; 5xx is retryable and names only the masked target', async () => {
    const hook = await receiver((_req, res, n) => (n === 1 ? answer(res, 200) : answer(res, 503, '', { 'retry-after': '7' })));
    const n = new WebhookNotifier(hook.url('/secret-path'), 'webhook#1', { clock: recordingClock() });
    await n.send(alert);
    expect(hook.received[0].headers['x-mts-signature']).toBeUndefined();
    const err = await n.send(alert).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.message).toBe('webhook#1: HTTP 503');
  });
});

describe('a receiver that never answers', () => {
  it('is cut off by the timeout with a retryable error, so the caller is never stuck', async () => {
    const silent = await receiver(() => {});
    const err = await new WebhookNotifier(silent.url(), 'webhook#1', { clock: recordingClock(), timeoutMs: 200 }).send(alert).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.message).toBe('webhook#1: no answer before the timeout');
  });
});

describe('e-mail notifier', () => {
  it('delivers the alert to an SMTP server (smtp-server) with authentication', async () => {
    const mails: { from: string; to: string[]; data: string; user?: string }[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (auth.username === 'mts' && auth.password === 'p@ss') cb(null, { user: auth.username });
        else cb(new Error('bad credentials'));
      },
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString('utf8');
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const port = (server.server.address() as { port: number }).port;
    const n = new EmailNotifier(`smtp://mts:${encodeURIComponent('p@ss')}@127.0.0.1:${port}`, ['desk@example.com', 'me@example.com'], 'mts@example.com', 'email#1');
    await n.send(alert);
    n.close();
    expect(mails.length).toBe(1);
    expect(mails[0]).toMatchObject({ from: 'mts@example.com', to: ['desk@example.com', 'me@example.com'], user: 'mts' });
    expect(mails[0].data).toContain('Subject: [MTS] LONG BTC/USDT @ 115279.5 (82% STRONG)');
    expect(mails[0].data).toContain(`"id": "${alert.id}"`);
  });

  it('a 5xx refusal is permanent, a connection failure is retryable', async () => {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      onRcptTo(_addr, _session, cb) {
        cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const port = (server.server.address() as { port: number }).port;
    const refused = new EmailNotifier(`smtp://127.0.0.1:${port}`, ['x@example.com'], 'mts@example.com', 'email#1');
    await expect(refused.send(alert)).rejects.toThrow('email#1: SMTP 550 (refused)');
    refused.close();
    const down = new EmailNotifier('smtp://127.0.0.1:1', ['x@example.com'], 'mts@example.com', 'email#1');
    await expect(down.send(alert)).rejects.toBeInstanceOf(RetryableError);
    down.close();
  });
});
