/**
 * The monitoring server under load on loopback (autocannon): requests/s and p99 latency of /health and of a paged
 * /api/v1/candles, each against a bare Fastify route returning a constant, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildConfig } from '../src/config/index.js';
import { SystemClock } from '../src/core/clock.js';
import { HOUR_MS } from '../src/core/time.js';
import type { Candle } from '../src/core/types.js';
import { createServer } from '../src/server/server.js';
import { openStore } from '../src/storage/store.js';
import type { BenchResult } from './harness.js';

const DURATION_S = 3;
const CONNECTIONS = 10;

interface Load {
  rps: number;
  p99: number;
  errors: number;
}

async function load(url: string): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1 });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

export default async function serverBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-bench-server-'));
  const store = await openStore(`sqlite:${path.join(dir, 'bench.db')}`);
  const apps: FastifyInstance[] = [];
  try {
    // Two years of hourly candles for the two high-frequency symbols, fresh as of now.
    const now = Date.now();
    const n = 2 * 365 * 24;
    const start = Math.floor(now / HOUR_MS) * HOUR_MS - n * HOUR_MS;
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      let price = symbol.startsWith('BTC') ? 40_000 : 2_500;
      const candles: Candle[] = [];
      for (let i = 0; i < n; i++) {
        const open = price;
        price *= 1 + Math.sin(i * 0.37) * 0.004;
        candles.push({ ts: start + i * HOUR_MS, open, high: Math.max(open, price) * 1.002, low: Math.min(open, price) * 0.998, close: price, volume: 100 + (i % 50) });
      }
      await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, candles);
    }
    await store.ops.recordApiCalls([{ ts: now, source: 'binance', endpoint: 'klines', status: 200, latencyMs: 90, weight: 2 }]);
    const config = buildConfig({
      http: { port: 0, rateLimitPerMinute: 0 },
      tiers: { highFrequency: { interval: '1h', symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1h' }, hourly: { interval: '1h', symbols: [] } },
    });

    const app = await createServer({ config, store, clock: new SystemClock() });
    apps.push(app);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const bare = Fastify();
    apps.push(bare);
    bare.get('/const', async () => ({ status: 'ok' }));
    const bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });

    const baseline = await load(`${bareBase}/const`);
    const health = await load(`${base}/health`);
    const candles = await load(`${base}/api/v1/candles?symbol=BTC/USDT&timeframe=1h&limit=500&offset=1000`);
    for (const [name, r] of [['bare', baseline], ['health', health], ['candles', candles]] as const) {
      if (r.errors > 0) throw new Error(`server bench: ${r.errors} failed requests on ${name}`);
    }
    const rows: BenchResult[] = [];
    for (const [label, r] of [['/health', health], ['/api/v1/candles (500 of 17,520, offset 1000)', candles]] as const) {
      rows.push({ name: `server ${label} requests/s`, figure: r.rps, unit: 'req/s', baselineName: 'bare fastify constant', baseline: baseline.rps, ratio: r.rps / baseline.rps });
      rows.push({
        name: `server ${label} p99 latency`,
        figure: r.p99,
        unit: 'ms',
        baselineName: 'bare fastify constant',
        baseline: baseline.p99,
        ratio: r.p99 / Math.max(baseline.p99, 0.001),
        lowerIsBetter: true,
      });
    }
    return rows;
  } finally {
    for (const a of apps) await a.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
