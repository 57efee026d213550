/**
 * Paper trading (issue 7): latency from an alert file appearing (atomic rename) to its fill being committed, and
 * sustained alerts per second without loss, through the real consumer, engine and daemon on a SQLite file.
 * Targets: p99 <= 100 ms and >= 1,000 alerts/s. Baselines measured in the same run: the bare fs.watch
 * notification latency for the same kind of write, and the rate at which the writer (a worker thread standing in for
 * the pipeline's process) produces the files.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildConfig } from '../src/config/index.js';
import { SystemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { HOUR_MS } from '../src/core/time.js';
import type { Signal } from '../src/core/types.js';
import { AlertConsumer } from '../src/paper/consumer.js';
import { runPaperDaemon } from '../src/paper/daemon.js';
import { PaperEngine } from '../src/paper/engine.js';
import { alertFileName, alertFromSignal } from '../src/signals/alerts/index.js';
import { openStore } from '../src/storage/store.js';
import type { BenchResult } from './harness.js';

const LATENCY_ALERTS = 300;
const THROUGHPUT_ALERTS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Temporary name, then rename: what the alert writer does (without its fsync, which measures the disk, not MTS). */
function writeAtomically(dir: string, name: string, body: string): void {
  const tmp = path.join(dir, `.${name}.bench.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, path.join(dir, name));
}

/** LONG then CLOSE on BTC, over and over: every alert fills. */
function alertBodies(n: number, start: number, seq: number): { id: string; name: string; body: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const side = i % 2 === 0 ? 'LONG' : 'CLOSE';
    const signal: Signal = { ts: start + i, strategy: 'aggregate', symbol: 'BTC/USDT', side, confidence: 0.8, strength: 'STRONG', price: 100, size: 0.02, stopLoss: side === 'LONG' ? 90 : null, takeProfit: side === 'LONG' ? 120 : null };
    const id = `${(seq * 100_000 + i).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const alert = alertFromSignal(signal, { id });
    return { id, name: alertFileName(alert), body: JSON.stringify(alert) };
  });
}

/** The pipeline writes alerts from another process; a worker thread stands in for it (its own core, same files). */
function writeInWorker(dir: string, files: { name: string; body: string }[]): Promise<number> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const fs = require('node:fs');
    const path = require('node:path');
    const t = performance.now();
    for (const f of workerData.files) {
      const tmp = path.join(workerData.dir, '.' + f.name + '.bench.tmp');
      fs.writeFileSync(tmp, f.body);
      fs.renameSync(tmp, path.join(workerData.dir, f.name));
    }
    parentPort.postMessage(performance.now() - t);
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { dir, files: files.map(({ name, body }) => ({ name, body })) } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function watchLatency(dir: string, n: number): Promise<number[]> {
  const seen = new Map<string, number>();
  const w = watch(dir, (_e, name) => {
    if (name && !seen.has(name)) seen.set(name, performance.now());
  });
  const written = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const name = `w${i}.json`;
    written.set(name, performance.now());
    writeAtomically(dir, name, '{}');
    await sleep(5);
  }
  await sleep(200);
  w.close();
  return [...written].filter(([k]) => seen.has(k)).map(([k, t]) => (seen.get(k) as number) - t);
}

export default async function bench(): Promise<BenchResult[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mts-bench-paper-'));
  try {
    const watchDir = path.join(root, 'watch');
    mkdirSync(watchDir);
    const watchMs = await watchLatency(watchDir, LATENCY_ALERTS);

    const dir = path.join(root, 'alerts');
    mkdirSync(dir);
    const store = await openStore(`sqlite:${path.join(root, 'mts.db')}`);
    const now = Date.now();
    const bars = Array.from({ length: 48 }, (_, i) => ({ ts: now - (48 - i) * HOUR_MS - HOUR_MS, open: 100, high: 101, low: 99, close: 100, volume: 1000 }));
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, bars);
    // Thousands of round trips pay fees that would trip the daily-loss halt; the bench measures speed, not limits.
    const config = buildConfig({ assets: ["BTC/USDT"], risk: { dailyLossLimit: 1, maxDrawdown: 1 } });
    const clock = new SystemClock();
    const engine = await PaperEngine.open({ store, config, clock, log: silentLogger });
    const done = new Map<string, number>();
    const apply = engine.applyAlerts.bind(engine);
    engine.applyAlerts = async (items) => {
      const outcomes = await apply(items);
      const t = performance.now();
      outcomes.forEach((o, i) => {
        if (o.status === 'applied') done.set(items[i].intent.id, t);
        else if (process.env.MTS_BENCH_DEBUG) process.stderr.write(`${o.status}: ${o.reason}\n`);
      });
      return outcomes;
    };
    const consumer = new AlertConsumer({ dir, engine, assets: config.assets, log: silentLogger });
    await consumer.prepare();
    const stop = new AbortController();
    const daemon = runPaperDaemon({ dir, consumer, engine, clock, log: silentLogger, rescanMs: 1000, snapshotMs: HOUR_MS, signal: stop.signal });
    await sleep(100);

    // Latency: one alert at a time, as the pipeline writes them.
    const written = new Map<string, number>();
    for (const a of alertBodies(LATENCY_ALERTS, Date.now(), 1)) {
      written.set(a.id, performance.now());
      writeAtomically(dir, a.name, a.body);
      await sleep(5);
    }
    for (let i = 0; i < 200 && done.size < LATENCY_ALERTS; i++) await sleep(10);
    const latency = [...written].map(([id, t]) => (done.get(id) ?? Number.POSITIVE_INFINITY) - t);

    // Throughput: a burst written as fast as the writer can, consumed without loss.
    const burst = alertBodies(THROUGHPUT_ALERTS, Date.now(), 2);
    const t0 = performance.now();
    const writeMs = await writeInWorker(dir, burst);
    const deadline = performance.now() + 60_000;
    while (burst.some((a) => !done.has(a.id)) && performance.now() < deadline) await sleep(5);
    const lost = burst.filter((a) => !done.has(a.id)).length;
    const last = Math.max(...burst.map((a) => done.get(a.id) ?? 0));
    const rate = lost === 0 ? THROUGHPUT_ALERTS / ((last - t0) / 1000) : 0;
    stop.abort();
    await daemon;
    await store.close();

    const p50 = percentile(latency, 50);
    const p99 = percentile(latency, 99);
    const w50 = percentile(watchMs, 50);
    const w99 = percentile(watchMs, 99);
    return [
      { name: 'paper: alert file to fill committed, p50', figure: p50, unit: 'ms', baselineName: 'bare fs.watch p50', baseline: w50, ratio: p50 / w50, lowerIsBetter: true },
      { name: 'paper: alert file to fill committed, p99', figure: p99, unit: 'ms', baselineName: 'bare fs.watch p99', baseline: w99, ratio: p99 / w99, target: '<= 100 ms', lowerIsBetter: true },
      {
        name: `paper: sustained alerts/s (${THROUGHPUT_ALERTS}, ${lost} lost)`,
        figure: rate,
        unit: 'alerts/s',
        baselineName: 'writer alone',
        baseline: THROUGHPUT_ALERTS / (writeMs / 1000),
        ratio: rate / (THROUGHPUT_ALERTS / (writeMs / 1000)),
        target: '>= 1,000 alerts/s',
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
