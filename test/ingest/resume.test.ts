import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/time.js';
import { openStore } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { realCandles } from '../fakes/data.js';
import type { FakeServer } from '../fakes/server.js';
import { dropPgSchema, storeTargets } from '../helpers/env.js';
import { spawnMts } from './harness.js';

const FROM = '2023-01-01';
const TO = '2023-12-31T23:00:00Z';

async function storedTs(url: string): Promise<number[]> {
  const store = await openStore(url);
  try {
    return Array.from((await store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'binance' })).ts);
  } finally {
    await store.close();
  }
}

describe('a killed backfill', () => {
  // The targets run side by side (each with its own fake): most of the time goes into starting the CLI.
  it.concurrent.each(storeTargets())('completes on the next run with no duplicate and without downloading stored candles again ($name)', async (target) => {
    // a little latency per request so the kill lands midway
    const fake: FakeServer = await fakeBinance({ latencyMs: 40 }).start();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-resume-'));
    const url = target.url();
    writeFileSync(path.join(dir, 'mts.config.yaml'), 'sources:\n  binance:\n    klinesPerPage: 200\n');
    const env = { MTS_BINANCE_BASE_URL: fake.url, MTS_DATA_DIR: dir, MTS_DB_URL: url, MTS_CONFIG: path.join(dir, 'mts.config.yaml') };
    const args = ['backfill', '--source', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', FROM, '--to', TO];
    try {
      const first = spawnMts(args, env);
      while (fake.requestsTo('/api/v3/klines').length < 8) {
        if (first.child.exitCode !== null) throw new Error(`backfill ended before the kill: ${(await first.done).stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');
      const before = await storedTs(url);
      const firstRunRequests = fake.requestsTo('/api/v3/klines').length;
      const expected = realCandles('BTCUSDT', '1h').filter((c) => c.ts >= Date.parse(FROM) && c.ts <= Date.parse(TO)).map((c) => c.ts);
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(expected.length);

      const second = await spawnMts(args, env).done;
      expect(second.code, second.stderr).toBe(0);
      expect(await storedTs(url)).toEqual(expected);
      // no request of the second run covers a candle the first run had stored
      const stored = new Set(before);
      const again = fake.requestsTo('/api/v3/klines').slice(firstRunRequests);
      expect(again.length).toBeGreaterThan(0);
      for (const r of again) {
        const start = Number(r.query.startTime);
        const end = Math.min(Number(r.query.endTime ?? Number.MAX_SAFE_INTEGER), start + (Number(r.query.limit) - 1) * HOUR_MS);
        const overlap = before.filter((ts) => ts >= start && ts <= end);
        expect(overlap, `request from ${new Date(start).toISOString()}`).toEqual([]);
      }
      expect(stored.size).toBe(before.length);
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
      await dropPgSchema(url);
    }
  });
});
