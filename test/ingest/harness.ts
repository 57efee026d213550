import { type ConfigInput, buildConfig } from '../../src/config/index.js';
import { mergeLayers } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import type { RangeDeps } from '../../src/sources/candle-range.js';
import { openSources } from '../../src/sources/open.js';
import { openStore } from '../../src/storage/store.js';
import { fakeBinance, type FakeBinanceOptions } from '../fakes/binance.js';
import { fakeCoinGecko, type FakeCoinGeckoOptions } from '../fakes/coingecko.js';
import { fakeFred } from '../fakes/fred.js';
import type { FakeServer } from '../fakes/server.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { dropPgSchema, REPO_ROOT } from '../helpers/env.js';

export const FRED_KEY = 'f00dcafe0123456789abcdef01234567';
export const GECKO_KEY = 'CG-testkey-9f8e7d6c5b4a';
/** Limits are counted per second in tests so that they bind without making the tests slow. */
export const WINDOW_MS = 1000;
export const LIMITS = { binanceWeight: 120, coingeckoCalls: 20, fredCalls: 60 };

export interface Fakes {
  binance: FakeServer;
  coingecko: FakeServer;
  fred: FakeServer;
  close(): Promise<void>;
}

export async function startFakes(opts: { binance?: FakeBinanceOptions; coingecko?: FakeCoinGeckoOptions } = {}): Promise<Fakes> {
  const binance = await fakeBinance({ weightPerWindow: LIMITS.binanceWeight, windowMs: WINDOW_MS, ...opts.binance }).start();
  const coingecko = await fakeCoinGecko({ callsPerWindow: LIMITS.coingeckoCalls, windowMs: WINDOW_MS, apiKey: GECKO_KEY, ...opts.coingecko }).start();
  const fred = await fakeFred({ apiKey: FRED_KEY, callsPerWindow: LIMITS.fredCalls, windowMs: WINDOW_MS }).start();
  return { binance, coingecko, fred, close: async () => void (await Promise.all([binance.close(), coingecko.close(), fred.close()])) };
}

/** Config pointing at the fakes, with the same limits and short timeouts and backoff so faults cost little time. */
export function fakeConfig(f: Fakes, extra: ConfigInput = {}): Config {
  const base: ConfigInput = {
    sources: {
      timeoutMs: 500,
      limitWindowMs: WINDOW_MS,
      retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 },
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeoutMs: 200, rollingCountTimeoutMs: 10_000 },
      binance: { baseUrl: f.binance.url, futuresBaseUrl: f.binance.url, weightPerMinute: LIMITS.binanceWeight },
      coingecko: { baseUrl: `${f.coingecko.url}/api/v3`, apiKey: GECKO_KEY, callsPerMinute: LIMITS.coingeckoCalls },
      fred: { baseUrl: `${f.fred.url}/fred`, apiKey: FRED_KEY, callsPerMinute: LIMITS.fredCalls },
    },
  };
  return buildConfig(mergeLayers(base as Record<string, unknown>, extra as Record<string, unknown>) as ConfigInput);
}

/** Store, sources and a memory logger over the fakes; `close` flushes call records and drops the test schema. */
export async function ingestHarness(url: string, config: Config) {
  const store = await openStore(url);
  const { logger, lines } = memoryLogger({ level: 'debug', secrets: [FRED_KEY, GECKO_KEY] });
  const clock = new SystemClock();
  const sources = openSources(config, { clock, log: logger, calls: store.ops });
  const deps: RangeDeps = { config, store, sources, clock, log: logger };
  return {
    deps,
    store,
    sources,
    lines,
    async close() {
      await sources.close();
      await store.close();
      await dropPgSchema(url);
    },
  };
}

export interface MtsRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node bin/mts.js …` as a child process (the way users run it); `done` resolves when it exits. */
export function spawnMts(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<MtsRun> } {
  const child = spawn(process.execPath, ['bin/mts.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env, MTS_LOG_LEVEL: env.MTS_LOG_LEVEL ?? 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<MtsRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
