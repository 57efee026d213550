/**
 * SPEC §13 on the real Redis and PostgreSQL: one `mts run --distributed` and three `mts worker` processes collect
 * a day of hourly candles for ten markets and two FRED series from the fake APIs, whose published limits are low
 * enough that the three workers together must share them. One worker is killed with SIGKILL while it holds a
 * job; its job is taken over after the lock expires. Afterwards every item is stored completely and once, and
 * the fakes saw no rate-limit violation.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/time.js';
import { openStore } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { fakeCoinGecko } from '../fakes/coingecko.js';
import { realCandles } from '../fakes/data.js';
import { fakeFred } from '../fakes/fred.js';
import { dropPgSchema, tempDir } from '../helpers/env.js';
import { FRED_KEY, fakeEnv } from '../scheduler/harness.js';
import { exitWithin, spawnMts, type Spawned, waitFor } from '../scheduler/process.js';
import { dropPrefix, pgSchemaUrl, scaleTargets, uniquePrefix } from './redis-env.js';

// A Thursday in 2022, when the fakes have hourly data for all ten markets.
const AS_OF = Date.parse('2022-06-09T12:04:45Z');
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'AVAX/USDT', 'DOT/USDT', 'LINK/USDT'];
// Published limits per one-second window: small, so the three workers' calls must be paced together.
const WINDOW_MS = 1000;
const BINANCE_WEIGHT = 30;
const FRED_CALLS = 4;

describe('mts worker without Redis', () => {
  it('refuses to start and names the setting to make', async () => {
    const p = spawnMts(['worker'], { MTS_DATA_DIR: tempDir('mts-noredis-'), MTS_REDIS_URL: '' });
    expect(await exitWithin(p, 20_000)).toEqual({ code: 2, signal: null });
    expect(p.stderr.join('')).toContain('mts worker needs Redis: set MTS_REDIS_URL');
  }, 30_000);
});

describe.each(scaleTargets)('one scheduler and three workers on Redis and PostgreSQL', ({ redis: redisUrl, pg }) => {
  it('collects every item exactly once, survives a worker killed mid-job, and stays within the limits', async () => {
    const offset = AS_OF - Date.now();
    const now = () => Date.now() + offset;
    const binance = await fakeBinance({ now, weightPerWindow: BINANCE_WEIGHT, windowMs: WINDOW_MS, latencyMs: 150 }).start();
    const coingecko = await fakeCoinGecko({ now }).start();
    const fred = await fakeFred({ apiKey: FRED_KEY, callsPerWindow: FRED_CALLS, windowMs: WINDOW_MS }).start();
    const prefix = uniquePrefix('collect');
    const dbUrl = pgSchemaUrl(pg, 'collect');
    const dir = tempDir('mts-scale-');
    const procs: Spawned[] = [];
    afterAll(async () => {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all([binance.close(), coingecko.close(), fred.close()]);
      await dropPrefix(redisUrl, prefix);
      await dropPgSchema(dbUrl);
    });
    const configFile = path.join(dir, 'mts.yaml');
    writeFileSync(
      configFile,
      JSON.stringify({
        assets: SYMBOLS,
        sources: { limitWindowMs: WINDOW_MS, gapRetries: 0, binance: { weightPerMinute: BINANCE_WEIGHT }, fred: { callsPerMinute: FRED_CALLS } },
        tiers: {
          highFrequency: { interval: '15m', symbols: SYMBOLS.slice(0, 2), timeframe: '1h', derive: [] },
          hourly: { interval: '1h', symbols: SYMBOLS.slice(2), timeframe: '1h' },
          macro: { series: ['DGS10', 'VIXCLS'] },
        },
        distributed: { lockDuration: '2s', backoffBase: '200ms', concurrency: 2 },
      }),
    );
    // Migrations once, before four processes open the same schema.
    await (await openStore(dbUrl)).close();
    const env = { ...fakeEnv({ binance, coingecko, fred }), MTS_DATA_DIR: dir, MTS_DB_URL: dbUrl, MTS_REDIS_URL: redisUrl, MTS_REDIS_PREFIX: prefix };
    const workers = [0, 1, 2].map(() => spawnMts(['--config', configFile, 'worker', '--queues', 'collect', '--as-of', new Date(AS_OF).toISOString()], env));
    procs.push(...workers);
    for (const w of workers) await waitFor('a worker to take jobs', () => w.stderr.join('').includes('mts worker: taking jobs'), 30_000);
    const scheduler = spawnMts(['--config', configFile, 'run', '--distributed', '--as-of', new Date(AS_OF).toISOString()], env);
    procs.push(scheduler);

    // The first worker dies (kill -9) as soon as it holds a job.
    let killedJob = '';
    await waitFor('worker 1 to start a job', () => {
      const line = workers[0].stderr.join('').split('\n').find((l) => l.includes('"msg":"job started"'));
      killedJob = line ? (/"job":"([^"]+)"/.exec(line)?.[1] ?? '') : '';
      return line !== undefined;
    });
    workers[0].child.kill('SIGKILL');
    await workers[0].exited;

    const store = await openStore(dbUrl);
    try {
      const items = 10 + 2;
      const until = Date.now() + 45_000;
      let states = await store.ops.listSchedulerState();
      while (states.filter((s) => s.item !== 'signals' && s.lastSuccess !== null).length < items) {
        if (Date.now() > until) throw new Error(`not every item ran:\n${JSON.stringify(states)}\n${scheduler.stderr.join('').slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
        states = await store.ops.listSchedulerState();
      }
      for (const p of [scheduler, workers[1], workers[2]]) p.child.kill('SIGTERM');
      for (const p of [scheduler, workers[1], workers[2]]) await exitWithin(p, 15_000);

      // every collection item succeeded without a failed run, the killed worker's included
      const collected = states.filter((s) => s.item !== 'signals');
      expect(collected).toHaveLength(items);
      for (const s of collected) expect([s.item, s.failures]).toEqual([s.item, 0]);

      // the killed job was finished by another worker
      expect(killedJob).not.toBe('');
      const doneBy = [workers[1], workers[2]].filter((w) => w.stderr.join('').split('\n').some((l) => l.includes('"msg":"collection job done"') && l.includes(`"job":"${killedJob}"`)));
      expect(doneBy).toHaveLength(1);

      // each market: the day before the start, every hourly candle once, equal to what the exchange serves
      const lastClosed = Math.floor(AS_OF / HOUR_MS) * HOUR_MS - HOUR_MS;
      for (const symbol of SYMBOLS) {
        const cols = await store.candles.read({ symbol, timeframe: '1h', source: 'binance' });
        const real = new Map(realCandles(symbol.replace('/', ''), '1h').map((c) => [c.ts, c.close]));
        expect(cols.length, symbol).toBeGreaterThanOrEqual(24);
        expect(cols.ts[cols.length - 1], symbol).toBe(lastClosed);
        for (let i = 0; i < cols.length; i++) {
          if (i > 0) expect(cols.ts[i] - cols.ts[i - 1], `${symbol} gap or duplicate`).toBe(HOUR_MS);
          expect(cols.close[i]).toBe(real.get(cols.ts[i]));
        }
      }
      // one job per item and slot, all completed, none failed
      const conn = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const q = new Queue('mts-collect', { connection: conn, prefix });
      const counts = await q.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      await q.close();
      conn.disconnect();
      expect(counts).toEqual({ completed: items, failed: 0, waiting: 0, active: 0, delayed: 0 });

      // the fakes, counting every request of all workers together, saw no limit exceeded
      expect(binance.violations).toEqual([]);
      expect(fred.violations).toEqual([]);
      // at least one klines request per market (the killed worker may or may not have sent its own before dying)
      expect(binance.requests.length).toBeGreaterThanOrEqual(SYMBOLS.length);
    } finally {
      await store.close();
    }
  }, 80_000);
});
