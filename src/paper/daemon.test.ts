import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/log.js';
import { HOUR_MS } from '../core/time.js';
import { alertOf, paperFixture } from '../../test/helpers/paper.js';
import { dropPgSchema, storeTargets, tempDir } from '../../test/helpers/env.js';
import type { Store } from '../storage/store.js';
import { AlertConsumer } from './consumer.js';
import { runPaperDaemon } from './daemon.js';

describe.each(storeTargets())('paper daemon on $name', ({ url }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });

  it('rescans on its clock, records equity every snapshot interval, and stops cleanly when asked', async () => {
    const u = url();
    urls.push(u);
    const { store, engine, clock, config } = await paperFixture(u, { 'BTC/USDT': 100 });
    stores.push(store);
    const dir = path.join(tempDir(), 'alerts');
    mkdirSync(dir);
    const consumer = new AlertConsumer({ dir, engine, assets: config.assets, log: silentLogger });
    await consumer.prepare();
    const stop = new AbortController();
    const start = clock.now();
    const daemon = runPaperDaemon({ dir, consumer, engine, clock, log: silentLogger, rescanMs: 5000, snapshotMs: HOUR_MS, signal: stop.signal });

    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(alertOf('LONG', clock.now())));
    // Whether the watcher or the rescan sees it first, the alert is applied once.
    await clock.advance(5000);
    await vi.waitFor(async () => expect((await store.paper.alertCounts()).applied).toBe(1), { timeout: 20_000 });

    await clock.advance(HOUR_MS);
    await vi.waitFor(async () => expect((await store.paper.equity()).some((p) => p.ts >= start + HOUR_MS && p.inMarket)).toBe(true), { timeout: 20_000 });

    stop.abort();
    const summary = await daemon;
    expect(summary.applied).toBe(1);
    expect(summary.failed).toBe(0);
  }, 60_000);
});
