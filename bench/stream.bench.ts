/**
 * The market stream (issue 12), through ccxt.pro: messages per second the stream handler sustains with storage on
 * (every 100th frame a closed real BTC 15m kline validated and upserted), against a bare `ws` client subscribed to
 * the same streams on the same server, counting frames; the latency from a trade frame sent to its price being
 * visible to the paper trader (engine.onPrice resolved, a position held so its brackets are checked), against the
 * bare send-to-receive latency of the same socket (p50, p99); and the age of the latest price the paper trader
 * holds, sampled on the wall clock while trades come every 100 ms, against the REST-only schedule's (its candle
 * close, stored `settle` after the close: uniform over [settle, interval + settle), median interval/2 + settle).
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
import { parseDuration } from '../src/core/time.js';
import { streamPlan } from '../src/sources/stream/plan.js';
import { openStore } from '../src/storage/store.js';
import { fakeBinance } from '../test/fakes/binance.js';
import { FakeBinanceWs } from '../test/fakes/binance-ws.js';
import { realCandles } from '../test/fakes/data.js';
import { alertOf } from '../test/helpers/paper.js';
import type { BenchResult } from './harness.js';

const FRAMES = Number(process.env.STREAM_BENCH_FRAMES ?? 100_000);
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
    const bare = new WebSocket(`${ws.url}/ws/0`);
    await new Promise((r) => bare.once('open', r));
    bare.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 }));
    await ws.subscribed('btcusdt@aggTrade');
    await new Promise((r) => bare.once('message', r));
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
    await ws.subscribed('btcusdt@aggTrade');
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
    await ws.subscribed('btcusdt@aggTrade');
    await ws.subscribed('btcusdt@kline_15m');
    // the catch-up repair (the klines stored above end in the past) runs before the measurement
    await new Promise((r) => setTimeout(r, 200));
    await live.settled();
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const price = 100_000 + i + 0.5;
      const sent = performance.now();
      ws.aggTrade('BTCUSDT', price);
      await until(() => seen === price);
      lat.push(seenAt - sent);
    }

    // Price age at the paper trader: trades every 100 ms for 5 s, the age of the latest price seen sampled every 7 ms.
    let sentAt = new Map<number, number>();
    let latestSent = 0;
    const ages: number[] = [];
    const tradeTimer = setInterval(() => {
      const price = 200_000 + latestSent++;
      sentAt.set(price, performance.now());
      ws.aggTrade('BTCUSDT', price);
    }, 100);
    await new Promise((r) => setTimeout(r, 150));
    const sampleTimer = setInterval(() => {
      const at = sentAt.get(seen);
      if (at !== undefined) ages.push(performance.now() - at);
    }, 7);
    await new Promise((r) => setTimeout(r, 5000));
    clearInterval(tradeTimer);
    clearInterval(sampleTimer);
    sentAt = new Map();
    const settle = parseDuration(config.tiers.settle);
    const interval = parseDuration(config.tiers.highFrequency.interval);
    const restAgeP50 = interval / 2 + settle;
    const ageP50 = quantile(ages, 0.5);
    await live.stop();
    const [p50, p99, b50, b99] = [quantile(lat, 0.5), quantile(lat, 0.99), quantile(bareLat, 0.5), quantile(bareLat, 0.99)];
    return [
      { name: `stream: frames/s handled, storage on (${stored} klines stored)`, figure: streamRate, unit: 'msg/s', baselineName: 'bare ws client', baseline: bareRate, ratio: streamRate / bareRate },
      { name: 'stream: trade frame to paper price visible, p50', figure: p50, unit: 'ms', baselineName: 'bare ws p50', baseline: b50, ratio: p50 / b50, lowerIsBetter: true },
      { name: 'stream: trade frame to paper price visible, p99', figure: p99, unit: 'ms', baselineName: 'bare ws p99', baseline: b99, ratio: p99 / b99, lowerIsBetter: true },
      {
        name: `stream: age of the paper trader's latest price, p50 (trades every 100 ms; max ${Math.max(...ages).toFixed(0)} ms, ${ages.length} samples)`,
        figure: ageP50,
        unit: 'ms',
        baselineName: `REST-only schedule p50 (${config.tiers.highFrequency.interval}/2 + settle ${config.tiers.settle})`,
        baseline: restAgeP50,
        ratio: ageP50 / restAgeP50,
        lowerIsBetter: true,
      },
    ];
  } finally {
    await stream.stop();
    await sources.close();
    await store.close();
    await Promise.all([ws.close(), futures.close(), rest.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
