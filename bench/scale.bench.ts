/**
 * Sweep throughput over the mts-backtest queue with 1, 2 and 3 `mts worker` processes on this machine (backtests
 * per second; ratios to 1 worker). Needs Redis (MTS_REDIS_URL, else MTS_TEST_REDIS_URL, else the local default):
 * when it is unreachable the bench says so and returns no rows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGrid } from '../src/backtest/grid.js';
import { optimize } from '../src/backtest/optimize.js';
import type { BacktestRequest } from '../src/backtest/run.js';
import { buildConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/log.js';
import { connectRedis, redisHealth } from '../src/distributed/redis.js';
import { openSweepQueue } from '../src/distributed/sweep-queue.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { loadCsvCandles } from '../test/helpers/real-candles.js';
import type { BenchResult } from './harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** 203 parameter sets over two years of hourly BTC: enough work that queue round trips are a small share. */
const GRID = 'fast=2:30:1,slow=30:90:10';

function startWorkers(n: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [path.join(root, 'bin/mts.js'), 'worker', '--queues', 'backtest'], { cwd: root, env: { ...process.env, MTS_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise<ChildProcess>((resolve, reject) => {
        let text = '';
        child.stderr?.on('data', (d) => {
          text += String(d);
          if (text.includes('mts worker: taking jobs')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`mts worker exited with ${code}: ${text.slice(-500)}`)));
      });
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

export default async function bench(): Promise<BenchResult[]> {
  const url = process.env.MTS_REDIS_URL || process.env.MTS_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const probe = connectRedis(url, 'bench-probe');
  probe.on('error', () => undefined);
  const health = await redisHealth(probe, 1000);
  probe.disconnect();
  if (health.status !== 'ok') {
    process.stderr.write(`scale bench could not run: Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} is not reachable (${health.reason}); no rows\n`);
    return [];
  }
  const prefix = `mtsbench-${process.pid}-${Date.now().toString(36)}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mts-bench-scale-'));
  const config = buildConfig({ dataDir, redisUrl: url, distributed: { prefix } });
  const sweep = await openSweepQueue(config, silentLogger);
  const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
  const request: BacktestRequest = { strategy: smaCross, base: new Map([['BTC/USDT', btc]]), baseTimeframe: '1h', from: Date.UTC(2023, 0, 1), to: Date.UTC(2024, 11, 31, 23), cash: 10_000, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null };
  const grid = parseGrid(GRID);
  const env = { MTS_REDIS_URL: url, MTS_REDIS_PREFIX: prefix, MTS_DATA_DIR: dataDir };
  const rate: Record<number, number> = {};
  let combos = 0;
  try {
    for (const n of [1, 2, 3]) {
      const workers = await startWorkers(n, env);
      try {
        // Measured whole: each worker fetches the sweep's data from Redis once, as a real sweep pays.
        const t = performance.now();
        const doc = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: n, evaluator: sweep.evaluator });
        combos = doc.combinations;
        rate[n] = doc.combinations / ((performance.now() - t) / 1000);
      } finally {
        await stopWorkers(workers);
      }
    }
  } finally {
    await sweep.close();
    const r = connectRedis(url, 'bench-cleanup');
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const cpus = os.availableParallelism();
  return [1, 2, 3].map((n) => ({
    name: `distributed sweep, ${n} worker process${n > 1 ? 'es' : ''} (${combos} backtests, ${cpus} CPUs)`,
    figure: rate[n],
    unit: 'backtests/s',
    baselineName: '1 worker process',
    baseline: rate[1],
    ratio: rate[n] / rate[1],
  }));
}
