/**
 * `mts optimize --distributed`: the sweep spread over `mts-backtest` and two workers ranks exactly as the local
 * worker threads do (same bytes, walk-forward included). The codec that carries data and results through Redis
 * keeps candle columns and non-finite metrics exactly.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGrid } from '../../src/backtest/grid.js';
import { optimize } from '../../src/backtest/optimize.js';
import type { BacktestRequest } from '../../src/backtest/run.js';
import { buildConfig } from '../../src/config/index.js';
import { SystemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { decode, encode } from '../../src/distributed/codec.js';
import { redisSettings } from '../../src/distributed/redis.js';
import { openSweepQueue } from '../../src/distributed/sweep-queue.js';
import { startWorker } from '../../src/distributed/worker.js';
import { openStore } from '../../src/storage/store.js';
import { smaCross } from '../../src/strategies/builtin/index.js';
import { tempDir } from '../helpers/env.js';
import { loadCsvCandles } from '../helpers/real-candles.js';
import { dropPrefix, scaleTargets, uniquePrefix } from './redis-env.js';

describe('the Redis codec', () => {
  it('round-trips candle columns and NaN/Infinity metrics exactly', () => {
    const value = { ts: Float64Array.of(1, 2, Number.NaN), m: { sharpe: Number.NaN, calmar: Number.POSITIVE_INFINITY, dd: -0.25, none: null } };
    const back = decode<typeof value>(encode(value));
    expect(back.ts).toBeInstanceOf(Float64Array);
    expect(Array.from(back.ts)).toEqual([1, 2, Number.NaN]);
    expect(back.m).toEqual({ sharpe: Number.NaN, calmar: Number.POSITIVE_INFINITY, dd: -0.25, none: null });
  });
});

const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
const request: BacktestRequest = {
  strategy: smaCross,
  base: new Map([['BTC/USDT', btc]]),
  baseTimeframe: '1h',
  from: Date.UTC(2023, 0, 1),
  to: Date.UTC(2023, 5, 30, 23),
  cash: 10_000,
  feeBps: 10,
  slippageBps: 5,
  sizeOverride: 1,
  risk: null,
};
const grid = parseGrid('fast=5:15:5,slow=30:50:10');

describe.each(scaleTargets)('a sweep over the mts-backtest queue', ({ redis }) => {
  it('gives the same ranking and metrics as the local sweep, walk-forward folds included', async () => {
    const prefix = uniquePrefix('sweep');
    const config = buildConfig({ dataDir: tempDir('mts-sweep-'), redisUrl: redis, distributed: { prefix } });
    const store = await openStore(`sqlite:${path.join(config.dataDir, 'mts.db')}`);
    const settings = redisSettings(config);
    const workers = await Promise.all([1, 2].map(() => startWorker({ config, settings, store, clock: new SystemClock(), log: silentLogger, queues: ['backtest'] })));
    const sweep = await openSweepQueue(config, silentLogger);
    afterAll(async () => {
      await sweep.close();
      await Promise.all(workers.map((w) => w.close()));
      await store.close();
      await dropPrefix(redis, prefix);
    });
    const local = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 2, walkForward: 1 });
    const spread = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 2, walkForward: 1, evaluator: sweep.evaluator });
    expect(spread.results.map((r) => r.params)).toEqual(local.results.map((r) => r.params));
    expect(JSON.stringify(spread)).toBe(JSON.stringify(local));
    expect(local.results).toHaveLength(9);
  }, 40_000);
});
