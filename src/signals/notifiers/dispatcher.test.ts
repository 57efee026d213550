import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPgSchema, storeTargets } from '../../../test/helpers/env.js';
import { answer, freePort, startReceiver } from '../../../test/helpers/receivers.js';
import { SPEC_SIGNAL } from '../../../test/helpers/signals.js';
import { buildConfig } from '../../config/index.js';
import { VirtualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import type { Signal } from '../../core/types.js';
import { openStore, type Store } from '../../storage/index.js';
import { alertFromSignal } from '../alerts/schema.js';
import { createDispatcher, createNotifiers } from './index.js';

const HOUR = 3_600_000;

/** Awaits a promise whose code sleeps on the virtual clock, moving the clock along until it settles. */
async function settle<T>(p: Promise<T>, clock: VirtualClock): Promise<T> {
  let done = false;
  const tracked = p.finally(() => {
    done = true;
  });
  while (!done) {
    await clock.advance(10);
    await new Promise((r) => setTimeout(r, 2));
  }
  return tracked;
}
const SECRET = 'whsec-do-not-log-0123456789';

describe.each(storeTargets())('alert dispatcher ($name)', ({ url }) => {
  const opened: { store: Store; url: string }[] = [];
  afterAll(async () => {
    for (const o of opened) {
      await o.store.close();
      await dropPgSchema(o.url);
    }
  });
  async function store(): Promise<Store> {
    const u = url();
    const s = await openStore(u);
    opened.push({ store: s, url: u });
    return s;
  }
  const at = (hours: number, patch: Partial<Signal> = {}) => alertFromSignal({ ...SPEC_SIGNAL, ts: SPEC_SIGNAL.ts + hours * HOUR, ...patch });

  it('delivers to Discord (through a 429), a signed webhook and e-mail; records masked targets; logs no URL or secret', async () => {
    const discord = await startReceiver((_r, res, n) => (n === 1 ? answer(res, 429, JSON.stringify({ retry_after: 0.01 })) : answer(res, 204)));
    const verified: boolean[] = [];
    const hook = await startReceiver((req, res) => {
      const ok = req.headers['x-mts-signature'] === `sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`;
      verified.push(ok);
      answer(res, ok ? 204 : 401);
    });
    const mails: string[] = [];
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
      onData(stream, _s, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString('utf8');
        });
        stream.on('end', () => {
          mails.push(data);
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    const discordUrl = discord.url('/api/webhooks/42/discord-token-abcdef');
    const hookUrl = hook.url('/hooks/private-path-xyz');
    const config = buildConfig({
      notifiers: {
        discordWebhookUrls: [discordUrl],
        webhookUrls: [hookUrl],
        webhookSecret: SECRET,
        smtpUrl: `smtp://alerts:smtp-pass-987@127.0.0.1:${smtpPort}`,
        emailTo: ['desk@example.com'],
      },
    });
    const s = await store();
    const { logger, lines } = memoryLogger({ level: 'debug' });
    const clock = new VirtualClock(SPEC_SIGNAL.ts);
    const dispatcher = createDispatcher(config, { store: s, clock, log: logger });
    const before = (await metrics.deliveries.get()).values.find((v) => v.labels.channel === 'discord' && v.labels.status === 'sent')?.value ?? 0;
    const alert = at(0);
    const out = await settle(dispatcher.dispatch(alert), clock);
    expect(out.map((o) => [o.target, o.status, o.attempts])).toEqual([
      ['discord#1', 'sent', 1],
      ['webhook#1', 'sent', 1],
      ['email#1', 'sent', 1],
    ]);
    expect(mails.length).toBe(1);
    expect(mails[0]).toContain(alert.id);
    expect(discord.received.length).toBe(2);
    expect(verified).toEqual([true]);
    const recorded = await s.signals.listDeliveries(alert.id);
    expect(recorded.map((d) => [d.channel, d.target, d.status]).sort()).toEqual([
      ['discord', 'discord#1', 'sent'],
      ['email', 'email#1', 'sent'],
      ['webhook', 'webhook#1', 'sent'],
    ]);
    expect((await s.signals.getAlert(alert.id))?.body).toEqual(alert);
    const after = (await metrics.deliveries.get()).values.find((v) => v.labels.channel === 'discord' && v.labels.status === 'sent')?.value ?? 0;
    expect(after - before).toBe(1);
    const log = lines.join('\n');
    expect(log).toContain('discord#1');
    for (const secret of [discordUrl, hookUrl, 'discord-token-abcdef', 'private-path-xyz', SECRET, 'smtp-pass-987', `127.0.0.1:${discord.port}`]) {
      expect(log).not.toContain(secret);
    }
    await discord.close();
    await hook.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('a receiver that is down does not stop the caller and gets the alert later, with backoff', async () => {
    const port = await freePort();
    const config = buildConfig({ notifiers: { webhookUrls: [`http://127.0.0.1:${port}/hook`], maxAttempts: 5 } });
    const s = await store();
    const clock = new VirtualClock(SPEC_SIGNAL.ts);
    const { logger, lines } = memoryLogger();
    const dispatcher = createDispatcher(config, { store: s, clock, log: logger });
    const alert = at(0);
    const first = await dispatcher.dispatch(alert);
    expect(first).toMatchObject([{ target: 'webhook#1', status: 'pending', attempts: 1 }]);
    expect(first[0].error).toMatch(/^webhook#1: connection failed \(ECONNREFUSED\)$/);
    // Not due yet: the first retry waits the base backoff (30 s).
    expect(await dispatcher.retryPending()).toEqual([]);
    await clock.advance(30_000);
    const second = await dispatcher.retryPending();
    expect(second).toMatchObject([{ status: 'pending', attempts: 2 }]);
    // The receiver comes up; the next retry (60 s later) delivers.
    const hook = await startReceiver((_r, res) => answer(res, 200), port);
    await clock.advance(59_000);
    expect(await dispatcher.retryPending()).toEqual([]);
    await clock.advance(1_000);
    expect(await dispatcher.retryPending()).toMatchObject([{ status: 'sent', attempts: 3 }]);
    expect(JSON.parse(hook.received[0].body).id).toBe(alert.id);
    expect(await s.signals.deliveriesByStatus('pending')).toEqual([]);
    expect(lines.join('\n')).not.toContain(`${port}/hook`);
    await hook.close();
  });

  it('gives up after maxAttempts and at once on a permanent refusal; survives a restart (the queue is stored)', async () => {
    const flaky = await startReceiver((_r, res) => answer(res, 503));
    const refusing = await startReceiver((_r, res) => answer(res, 410));
    const config = buildConfig({ notifiers: { webhookUrls: [flaky.url(), refusing.url()], maxAttempts: 3 } });
    const s = await store();
    const clock = new VirtualClock(SPEC_SIGNAL.ts);
    const first = await createDispatcher(config, { store: s, clock, log: memoryLogger().logger }).dispatch(at(0));
    expect(first.map((o) => [o.target, o.status])).toEqual([
      ['webhook#1', 'pending'],
      ['webhook#2', 'failed'],
    ]);
    // A new dispatcher (a restarted process) works the same stored queue.
    const restarted = createDispatcher(config, { store: s, clock, log: memoryLogger().logger });
    await clock.advance(30_000);
    expect(await restarted.retryPending()).toMatchObject([{ status: 'pending', attempts: 2 }]);
    await clock.advance(60_000);
    expect(await restarted.retryPending()).toMatchObject([{ status: 'failed', attempts: 3, error: 'webhook#1: HTTP 503' }]);
    expect(flaky.received.length).toBe(3);
    await flaky.close();
    await refusing.close();
  });

  it('does not re-send the same asset and direction within the cooldown (recorded as skipped), also after a restart', async () => {
    const hook = await startReceiver((_r, res) => answer(res, 204));
    const config = buildConfig({ notifiers: { webhookUrls: [hook.url()], cooldown: '1h' } });
    const s = await store();
    const clock = new VirtualClock(SPEC_SIGNAL.ts);
    const d = createDispatcher(config, { store: s, clock, log: memoryLogger().logger });
    expect((await d.dispatch(at(0)))[0].status).toBe('sent');
    const again = at(0.5);
    expect(await d.dispatch(again)).toMatchObject([{ status: 'skipped', attempts: 0, error: 'cooldown: same asset and direction sent recently' }]);
    expect((await s.signals.listDeliveries(again.id))[0].status).toBe('skipped');
    expect((await d.dispatch(at(0.6, { side: 'SHORT' })))[0].status).toBe('sent');
    expect((await d.dispatch(at(0.7, { symbol: 'ETH/USDT' })))[0].status).toBe('sent');
    const restarted = createDispatcher(config, { store: s, clock, log: memoryLogger().logger });
    expect((await restarted.dispatch(at(0.9)))[0].status).toBe('skipped');
    expect((await restarted.dispatch(at(1)))[0].status).toBe('sent');
    // Dispatching the same alert twice sends it once.
    const once = at(3);
    await restarted.dispatch(once);
    await restarted.dispatch(once);
    expect(hook.received.filter((r) => JSON.parse(r.body).id === once.id).length).toBe(1);
    // Sent: the first, the SHORT, the ETH one, the one after the cooldown, and `once`.
    expect(hook.received.length).toBe(5);
    await hook.close();
  });

  it('enqueue stores pending deliveries without waiting on any receiver; the retry pass sends them', async () => {
    const hook = await startReceiver((_r, res) => answer(res, 204));
    const config = buildConfig({ notifiers: { webhookUrls: [hook.url()] } });
    const s = await store();
    const clock = new VirtualClock(SPEC_SIGNAL.ts);
    const d = createDispatcher(config, { store: s, clock, log: memoryLogger().logger });
    const alert = at(0);
    expect(await d.enqueue(alert)).toMatchObject([{ target: 'webhook#1', status: 'pending', attempts: 0 }]);
    expect(hook.received.length).toBe(0);
    expect(await d.retryPending()).toMatchObject([{ status: 'sent', attempts: 1 }]);
    expect(JSON.parse(hook.received[0].body).id).toBe(alert.id);
    await hook.close();
  });

  it('with no channel configured, dispatch is a no-op', async () => {
    const config = buildConfig({});
    expect(createNotifiers(config, new VirtualClock(0))).toEqual([]);
    const d = createDispatcher(config, { store: await store(), clock: new VirtualClock(0), log: memoryLogger().logger });
    expect(await d.dispatch(at(0))).toEqual([]);
  });
});
