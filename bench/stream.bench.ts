/**
 * The market stream (issue 12): messages per second the stream handler sustains with storage on (every 100th frame
 * a closed real BTC 15m kline validated and upserted), against a bare `ws`
 * client counting the same frames from the same server; and the latency from a trade frame sent to its price being
 * visible to the paper trader (engine.onPrice resolved, a position held so its brackets are checked), against the
 * bare send-to-receive latency of the same socket (p50, p99).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { buildConfig } from '../src/config/index.js';
import { SystemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { PaperEngine } from '../src/paper/engine.js';
import { intentFromAlert } from '../src/paper/intent.js';
import { openSources } from '../src/sources/open.js';
import { MarketStream } from '../src/sources/stream/market-stream.js';
import { combinedUrl, streamPlan } from '../src/sources/stream/plan.js';
import { openStore } from '../src/storage/store.js';
import { fakeBinance } from '../test/fakes/binance.js';
import { FakeBinanceWs } from '../test/fakes/binance-ws.js';
import { realCandles } from '../test/fakes/data.js';
import { alertOf } from '../test/helpers/paper.js';
import type { BenchResult } from './harness.js';

const FRAMES = 100_000;
const LATENCY_SAMPLES = 2000;
const M15 = 15 * 60_000;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

/** The frames of the throughput run: trades and tops of book, a closed kline every 100th. */
function sendMix(ws: FakeBinanceWs, n: number, base: number): void {
  const candles = realCandles('BTCUSDT', '15m');
  let k = 0;
  for (let i = 0; i < n; i++) {
    ws.now = base + i;
    const c = candles[k % candles.length];
    if (i % 100 === 0) {
      ws.kline('BTCUSDT', '15m', M15, c, true);
      k++;
    } else if (i % 2 === 0) ws.aggTrade('BTCUSDT', c.close);
    else ws.bookTicker('BTCUSDT', c.close * 0.9999, c.close * 1.0001);
  }
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-stream-bench-'));
  const ws = await new FakeBinanceWs().start();
  const futures = await new FakeBinanceWs().start();
  const rest = await fakeBinance({ weightPerWindow: 10_000_000 }).start();
  const config = buildConfig({
    dataDir: dir,
    assets: ['BTC/USDT', 'ETH/USDT'],
    sources: { gapRetries: 0, binance: { baseUrl: rest.url, futuresBaseUrl: rest.url, wsUrl: ws.url, futuresWsUrl: futures.url } },
    tiers: { highFrequency: { interval: '15m', symbols: ['BTC/USDT'], timeframe: '15m', derive: [] }, hourly: { interval: '1h', symbols: [] } },
    stream: { staleAfterMs: 60_000 },
  });
  const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
  const clock = new SystemClock();
  const sources = openSources(config, { clock, log: silentLogger, calls: store.ops });
  const stream = new MarketStream({ config, store, clock, log: silentLogger, binance: sources.binance });
  const engine = await PaperEngine.open({ store, config, clock, log: silentLogger });
  try {
    // A held position, so every tick runs the bracket check.
    await engine.onPrice('BTC/USDT', 100_000, clock.now());
    const intent = intentFromAlert(alertOf('LONG', clock.now(), { price: 100_000, stopLoss: 1, takeProfit: 10_000_000, size: 0.01 }), config.assets);
    if (!intent.ok) throw new Error(intent.reason);
    await engine.applyAlert(intent.intent);

    // Baseline first, alone on the server: a bare ws client on the same streams, counting frames.
    const base = Date.parse('2020-01-01T00:00:00Z');
    const streams = streamPlan(config).connections[0].streams;
    const bare = new WebSocket(combinedUrl(ws.url, streams));
    await new Promise((r) => bare.once('open', r));
    await ws.connectionCount(1);
    let bareCount = 0;
    let bareAt = 0;
    bare.on('message', () => {
      bareCount++;
      bareAt = performance.now();
    });
    let t = performance.now();
    sendMix(ws, FRAMES, base);
    await until(() => bareCount >= FRAMES);
    const bareRate = FRAMES / ((performance.now() - t) / 1000);

    // Latency: bare send → receive, then send → price visible to the paper trader.
    const bareLat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const sent = performance.now();
      const n = bareCount;
      ws.aggTrade('BTCUSDT', 100_000 + i);
      await until(() => bareCount > n);
      bareLat.push(bareAt - sent);
    }
    await new Promise((r) => {
      bare.once('close', r);
      bare.close();
    });
    await until(() => ws.clients.size === 0);

    // The stream handler with storage on.
    stream.start();
    await ws.connectionCount(2);
    await until(() => stream.facts().some((f) => f.market === 'spot' && f.covering === 1));
    await stream.settled();
    const spot = () => stream.facts().find((f) => f.market === 'spot')?.messages ?? 0;
    const before = spot();
    t = performance.now();
    sendMix(ws, FRAMES, base);
    await until(() => spot() - before >= FRAMES);
    await stream.settled();
    const streamRate = FRAMES / ((performance.now() - t) / 1000);
    const stored = stream.totals.klinesStored;
    await stream.stop();
    await until(() => ws.clients.size === 0);

    const live = new MarketStream({ config, store, clock, log: silentLogger, binance: sources.binance });
    let seen = -1;
    let seenAt = 0;
    live.onPrice((symbol, price, ts) =>
      engine.onPrice(symbol, price, ts).then(() => {
        seen = price;
        seenAt = performance.now();
      }),
    );
    live.start();
    await ws.connectionCount(3);
    await until(() => live.facts().some((f) => f.market === 'spot' && f.connected));
    await live.settled();
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const price = 100_000 + i + 0.5;
      const sent = performance.now();
      ws.aggTrade('BTCUSDT', price);
      await until(() => seen === price);
      lat.push(seenAt - sent);
    }
    await live.stop();
    const [p50, p99, b50, b99] = [quantile(lat, 0.5), quantile(lat, 0.99), quantile(bareLat, 0.5), quantile(bareLat, 0.99)];
    return [
      { name: `stream: frames/s handled, storage on (${stored} klines stored)`, figure: streamRate, unit: 'msg/s', baselineName: 'bare ws client', baseline: bareRate, ratio: streamRate / bareRate },
      { name: 'stream: trade frame to paper price visible, p50', figure: p50, unit: 'ms', baselineName: 'bare ws p50', baseline: b50, ratio: p50 / b50, lowerIsBetter: true },
      { name: 'stream: trade frame to paper price visible, p99', figure: p99, unit: 'ms', baselineName: 'bare ws p99', baseline: b99, ratio: p99 / b99, lowerIsBetter: true },
    ];
  } finally {
    await stream.stop();
    await sources.close();
    await store.close();
    await Promise.all([ws.close(), futures.close(), rest.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
