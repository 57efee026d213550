/**
 * Backfill throughput from the local fake Binance (faults off): the whole pipeline (limiter, breaker, retries,
 * accounting, ccxt parsing, validation, SQLite upserts) against a bare `fetch` + JSON.parse loop over the same
 * pages, in the same run. Target: ratio >= 0.8, i.e. the pipeline adds little over the network itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConfig } from '../src/config/index.js';
import { SystemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { fetchCandleRange } from '../src/sources/candle-range.js';
import { openSources } from '../src/sources/open.js';
import { openStore } from '../src/storage/store.js';
import { type BenchResult, bestOf } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FROM = Date.parse('2022-01-01T00:00:00Z');
const TO = Date.parse('2025-11-30T23:00:00Z');
const HOUR = 3_600_000;

async function startFake(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fake-binance-server.ts')], {
    env: { ...process.env, MTS_TEST_DATA_DIR: process.env.MTS_TEST_DATA_DIR ?? path.resolve(here, '../../shared/data') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`fake server exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** The same pages the backfill asks for, fetched and parsed, nothing else. */
async function bareLoop(url: string): Promise<number> {
  let n = 0;
  for (let since = FROM; since <= TO; ) {
    const res = await fetch(`${url}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${since}&endTime=${TO}&limit=1000`);
    const rows = (await res.json()) as unknown[][];
    if (rows.length === 0) break;
    n += rows.length;
    since = Number(rows[rows.length - 1][0]) + HOUR;
  }
  return n;
}

export default async function backfillBench(): Promise<BenchResult[]> {
  const fake = await startFake();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-bench-'));
  try {
    const config = buildConfig({ sources: { binance: { baseUrl: fake.url, futuresBaseUrl: fake.url, weightPerMinute: 1_000_000 } } });
    let candles = 0;
    let run = 0;
    const pipeline = async () => {
      const store = await openStore(`sqlite:${path.join(dir, `b${run++}.db`)}`);
      const sources = openSources(config, { clock: new SystemClock(), log: silentLogger, calls: store.ops });
      await (await sources.binance.exchange()).loadMarkets(); // market list once, outside the timing
      const t = performance.now();
      const r = await fetchCandleRange({ config, store, sources, clock: new SystemClock(), log: silentLogger }, 'binance', 'BTC/USDT', '1h', FROM, TO);
      const ms = performance.now() - t;
      candles = r.stored;
      await sources.close();
      await store.close();
      return ms;
    };
    await bareLoop(fake.url); // warm the server's caches
    // Interleaved, best of five each, so drift in the machine's load hits both sides alike.
    let pipeMs = Number.POSITIVE_INFINITY;
    let bareMs = Number.POSITIVE_INFINITY;
    let bareCandles = 0;
    for (let i = 0; i < 5; i++) {
      pipeMs = Math.min(pipeMs, await pipeline());
      bareMs = Math.min(
        bareMs,
        await bestOf(1, async () => {
          bareCandles = await bareLoop(fake.url);
        }),
      );
    }
    const figure = candles / (pipeMs / 1000);
    const baseline = bareCandles / (bareMs / 1000);
    return [{ name: 'backfill BTC/USDT 1h, 4 years (fake Binance, faults off)', figure, unit: 'candles/s', baselineName: 'bare fetch loop', baseline, ratio: figure / baseline, target: '>= 0.8' }];
  } finally {
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
