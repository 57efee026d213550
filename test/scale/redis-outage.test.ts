/**
 * Redis going away mid-run, on the machine's real Redis (never shut down: its connections are killed with
 * CLIENT KILL and it is paused with CLIENT PAUSE). The outage is logged and its end too, /health reports the
 * `redis` component degraded (and the whole degraded) while Redis does not answer, and a sweep started during
 * the outage completes when Redis returns, ranked as the local sweep. Also: N takers on the shared Redis bucket
 * never spend more than the published limit allows in a window.
 */
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGrid } from '../../src/backtest/grid.js';
import { optimize } from '../../src/backtest/optimize.js';
import type { BacktestRequest } from '../../src/backtest/run.js';
import { buildConfig } from '../../src/config/index.js';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import { RedisTokenBucket } from '../../src/distributed/rate-limit.js';
import { connectRedis, redisHealth, redisSettings } from '../../src/distributed/redis.js';
import { openSweepQueue } from '../../src/distributed/sweep-queue.js';
import { startWorker } from '../../src/distributed/worker.js';
import { createServer } from '../../src/server/server.js';
import { openStore } from '../../src/storage/store.js';
import { smaCross } from '../../src/strategies/builtin/index.js';
import { tempDir } from '../helpers/env.js';
import { loadCsvCandles } from '../helpers/real-candles.js';
import { waitFor } from '../scheduler/process.js';
import { dropPrefix, scaleTargets, uniquePrefix } from './redis-env.js';

/** Kills every connection of this process whose name starts with `mts:` (ours), as a Redis restart would. */
async function killOurConnections(admin: Redis): Promise<number> {
  const list = String(await admin.client('LIST'));
  const ids = list
    .split('\n')
    .filter((l) => l.includes(`name=mts:`) && l.includes(`:${process.pid} `))
    .map((l) => /id=(\d+)/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

describe('redisHealth without a reachable Redis', () => {
  it('reports degraded with the reason, never throws', async () => {
    const r = connectRedis('redis://127.0.0.1:1', 'nowhere');
    r.on('error', () => undefined);
    const h = await redisHealth(r, 300);
    r.disconnect();
    expect(h.status).toBe('degraded');
    expect(h.reason).toMatch(/^redis unavailable: /);
  });
});

describe.each(scaleTargets)('Redis going away mid-run', ({ redis: redisUrl }) => {
  it('is logged, turns /health degraded, and work resumes when it returns', async () => {
    const prefix = uniquePrefix('outage');
    const { logger, lines } = memoryLogger({ level: 'info' });
    const config = buildConfig({ dataDir: tempDir('mts-outage-'), redisUrl, distributed: { prefix } });
    const store = await openStore(`sqlite:${path.join(config.dataDir, 'mts.db')}`);
    const settings = redisSettings(config);
    const admin = connectRedis(redisUrl, 'test-admin');
    const monitored = connectRedis(redisUrl, 'serve', logger);
    const worker = await startWorker({ config, settings, store, clock: new SystemClock(), log: logger, queues: ['backtest'] });
    const sweep = await openSweepQueue(config, logger);
    const app = await createServer({ config, store, clock: new SystemClock(), providers: { redis: () => redisHealth(monitored, 300) } });
    afterAll(async () => {
      await app.close();
      await sweep.close();
      await worker.close();
      monitored.disconnect();
      await admin.client('UNPAUSE').catch(() => undefined);
      admin.disconnect();
      await store.close();
      await dropPrefix(redisUrl, prefix);
    });
    const health = async () => (await app.inject({ method: 'GET', url: '/health' })).json() as { status: string; components: { redis?: { status: string; reason: string } } };
    expect((await health()).components.redis?.status).toBe('ok');

    // connections killed: the loss and the return are logged
    expect(await killOurConnections(admin)).toBeGreaterThan(0);
    await waitFor('the outage to be logged', () => lines.some((l) => l.includes('redis connection lost')), 5000);
    await waitFor('the return to be logged', () => lines.some((l) => l.includes('redis connection back')), 10_000);

    // paused: /health degraded while Redis does not answer; a sweep started now finishes afterwards
    const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
    const request: BacktestRequest = { strategy: smaCross, base: new Map([['BTC/USDT', btc]]), baseTimeframe: '1h', from: Date.UTC(2023, 0, 1), to: Date.UTC(2023, 2, 31, 23), cash: 10_000, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null };
    const grid = parseGrid('fast=5:10:5,slow=30:40:10');
    await admin.client('PAUSE', 1500, 'ALL');
    const during = optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 1, evaluator: sweep.evaluator });
    const h = await health();
    expect(h.components.redis?.status).toBe('degraded');
    expect(h.components.redis?.reason).toContain('redis unavailable');
    expect(h.status).not.toBe('ok');
    const local = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 1 });
    expect(JSON.stringify(await during)).toBe(JSON.stringify(local));
    expect((await health()).components.redis?.status).toBe('ok');
  }, 40_000);

  it('N takers of one shared bucket together stay within the published limit', async () => {
    const prefix = uniquePrefix('bucket');
    const conns = [0, 1, 2].map((i) => connectRedis(redisUrl, `bucket-${i}`));
    try {
    // 20 per 500 ms, 80% for MTS: a bucket of 4 refilling 16 per window; three "workers" take 1 at a time for 1.5 s
    const limits = { limit: 20, windowMs: 500, safetyFraction: 0.8 };
    const buckets = conns.map((c) => new RedisTokenBucket(c, `${prefix}:ratelimit:binance`, limits, new SystemClock()));
    const times: number[] = [];
    const until = Date.now() + 1500;
    await Promise.all(
      buckets.map(async (b) => {
        while (Date.now() < until) {
          await b.take(1);
          times.push(Date.now());
        }
      }),
    );
    times.sort((a, b) => a - b);
    // every 500 ms window (sliding over each take) holds at most the published 20
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= limits.windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(limits.limit);
    // and the three together did get about the allowed rate, not one taker's share: 4 + 16 per 500 ms over 1.5 s
    expect(times.length).toBeGreaterThan(30);
    } finally {
      for (const c of conns) c.disconnect();
      await dropPrefix(redisUrl, prefix);
    }
  }, 20_000);
});
