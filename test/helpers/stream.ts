/**
 * The stream harness: the fake Binance WebSocket servers (spot and USD-M) and the fake REST server, all on the
 * replay's time (`ws.now`, moved by the test), a config pointing at them with short staleness and backoff, a
 * SQLite store, the REST sources and a MarketStream on the replay clock.
 */
import path from 'node:path';
import { buildConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { mergeLayers } from '../../src/config/load.js';
import { type Clock, SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import type { Timeframe } from '../../src/core/time.js';
import type { Candle } from '../../src/core/types.js';
import { openSources, type Sources } from '../../src/sources/open.js';
import { MarketStream } from '../../src/sources/stream/market-stream.js';
import { candlesFromColumns } from '../../src/storage/repos/candles.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { FakeBinanceWs } from '../fakes/binance-ws.js';
import type { FakeServer } from '../fakes/server.js';
import { tempDir } from './env.js';

export interface StreamHarness {
  ws: FakeBinanceWs;
  futures: FakeBinanceWs;
  rest: FakeServer;
  config: Config;
  store: Store;
  sources: Sources;
  clock: Clock;
  stream: MarketStream;
  lines: string[];
  close(): Promise<void>;
}

export async function startStreamHarness(start: number, extra: ConfigInput = {}): Promise<StreamHarness> {
  const ws = (await new FakeBinanceWs().start()).keepAlive(50);
  const futures = (await new FakeBinanceWs().start()).keepAlive(50);
  ws.now = start;
  futures.now = start;
  // the REST depth snapshot ccxt.pro syncs each order book from continues the fake stream's update ids
  const rest = await fakeBinance({ now: () => ws.now, weightPerWindow: 10_000_000, futuresDepth: (id, limit) => futures.depthSnapshot(id, limit) }).start();
  const dir = tempDir('mts-stream-');
  const base: ConfigInput = {
    dataDir: dir,
    sources: {
      gapRetries: 0,
      timeoutMs: 2000,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      binance: { baseUrl: rest.url, futuresBaseUrl: rest.url, wsUrl: ws.url, futuresWsUrl: futures.url },
    },
    tiers: {
      highFrequency: { interval: '15m', symbols: ['BTC/USDT', 'ETH/USDT'], source: 'binance', timeframe: '15m', derive: [] },
      hourly: { interval: '1h', symbols: ['BTC/USDT'], source: 'binance', timeframe: '1h' },
    },
    stream: { staleAfterMs: 1000, reconnectBaseMs: 20, reconnectMaxMs: 100, orderBookEvery: '1h', fundingEvery: '1h' },
  };
  const config = buildConfig(mergeLayers(base as Record<string, unknown>, extra as Record<string, unknown>) as ConfigInput);
  const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
  const { logger, lines } = memoryLogger({ level: 'info' });
  const system = new SystemClock();
  const clock: Clock = { now: () => ws.now, sleep: (ms, signal) => system.sleep(ms, signal) };
  const sources = openSources(config, { clock: system, log: logger, calls: store.ops });
  const stream = new MarketStream({ config, store, clock, log: logger, binance: sources.binance });
  return {
    ws,
    futures,
    rest,
    config,
    store,
    sources,
    clock,
    stream,
    lines,
    async close() {
      await stream.stop();
      await sources.close();
      await store.close();
      await Promise.all([ws.close(), futures.close(), rest.close()]);
    },
  };
}

/** Polls until `check` holds (the stream works over real sockets; there is nothing to await directly). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function storedCandles(store: Store, symbol: string, timeframe: Timeframe, from?: number, to?: number): Promise<Candle[]> {
  return candlesFromColumns(await store.candles.read({ source: 'binance', symbol, timeframe, from, to }));
}
