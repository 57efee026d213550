/**
 * `mts run --distributed`'s signal step appends every alert it records to the alert stream (one entry per alert,
 * the recorded document), and caches the step's signals. Real BTC/ETH history up to a Thursday noon whose
 * aggregate makes an alert (as the `mts run` process test shows).
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { DAY_MS } from '../../src/core/time.js';
import { ALERT_STREAM } from '../../src/distributed/alert-stream.js';
import { keyOf } from '../../src/distributed/redis.js';
import { openDistributed } from '../../src/distributed/setup.js';
import { createSignalStep } from '../../src/scheduler/signal-step.js';
import { LatestCache } from '../../src/storage/cache.js';
import { openStore } from '../../src/storage/store.js';
import { fredSeries, realCandles } from '../fakes/data.js';
import { tempDir } from '../helpers/env.js';
import { dropPrefix, scaleTargets, uniquePrefix } from './redis-env.js';

const AS_OF = Date.parse('2025-04-10T12:05:00Z');
const NOON = Date.parse('2025-04-10T12:00:00Z');

describe('mts run --distributed without Redis', () => {
  it('refuses with the setting to make', async () => {
    await expect(openDistributed(buildConfig({ dataDir: tempDir('mts-nopublish-') }), silentLogger)).rejects.toThrow('mts run --distributed needs Redis: set MTS_REDIS_URL');
  });
});

describe.each(scaleTargets)('the signal step in distributed mode', ({ redis: redisUrl }) => {
  it('appends each recorded alert to mts:alerts and caches the signals', async () => {
    const prefix = uniquePrefix('publish');
    const dir = tempDir('mts-publish-');
    const config = buildConfig({ dataDir: dir, redisUrl, distributed: { prefix } });
    const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
    const dist = await openDistributed(config, silentLogger);
    const reader = new Redis(redisUrl);
    afterAll(async () => {
      await dist.close();
      reader.disconnect();
      await store.close();
      await dropPrefix(redisUrl, prefix);
    });
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const hist = realCandles(symbol.replace('/', ''), '1h').filter((c) => c.ts >= AS_OF - 365 * DAY_MS && c.ts < NOON);
      await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, hist);
    }
    const vix = (fredSeries('VIXCLS') ?? []).filter((r) => r.date >= '2024-01-01' && r.date <= '2025-04-08');
    await store.macro.upsert(vix.map((r) => ({ series: 'VIXCLS', date: Date.parse(`${r.date}T00:00:00Z`), value: r.value === '.' ? null : Number(r.value) })));

    const step = createSignalStep({ config, store, clock: new VirtualClock(AS_OF), log: silentLogger, alertsDir: path.join(dir, 'alerts'), ...dist.signalHooks });
    const r = await step(NOON, new AbortController().signal);
    expect(r.alerts).toBeGreaterThan(0);
    // running the same hour again records nothing new, so appends nothing
    await step(NOON, new AbortController().signal);

    const recorded = await store.signals.listAlerts({});
    const entries = (await reader.xrange(keyOf({ prefix }, ALERT_STREAM), '-', '+')) as [string, string[]][];
    const ids = entries.map(([, f]) => f[f.indexOf('id') + 1]);
    expect(ids.sort()).toEqual(recorded.items.map((a) => a.id).sort());
    for (const [, f] of entries) {
      const body = JSON.parse(f[f.indexOf('alert') + 1]) as { id: string; schema: string };
      expect(body.schema).toBe('mts.alert/v1');
      expect(recorded.items.find((a) => a.id === body.id)?.body).toEqual(body);
    }
    const cached = await new LatestCache(reader, prefix, 60_000).signals();
    expect(cached?.at).toBe(NOON);
    expect(cached?.signals.length).toBe(r.signals);
  }, 30_000);
});
