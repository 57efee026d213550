/**
 * The simulation harness: the three fake API servers (from test/fakes) whose "now" is the test's virtual clock,
 * a config pointing at them, and a fresh SQLite store.
 */
import path from 'node:path';
import { buildConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { fakeCoinGecko } from '../fakes/coingecko.js';
import { fakeFred } from '../fakes/fred.js';
import type { FakeServer } from '../fakes/server.js';
import { tempDir } from '../helpers/env.js';

export const FRED_KEY = 'abcdef0123456789abcdef0123456789';

export interface Harness {
  clock: VirtualClock;
  binance: FakeServer;
  coingecko: FakeServer;
  fred: FakeServer;
  config: Config;
  store: Store;
  dir: string;
  close(): Promise<void>;
}

/** Settings a simulated run needs against the fakes, for this process or a spawned `mts` (as env). */
export function fakeEnv(h: Pick<Harness, 'binance' | 'coingecko' | 'fred'>): Record<string, string> {
  return {
    MTS_BINANCE_BASE_URL: h.binance.url,
    MTS_BINANCE_FUTURES_BASE_URL: h.binance.url,
    MTS_COINGECKO_BASE_URL: `${h.coingecko.url}/api/v3`,
    MTS_FRED_BASE_URL: `${h.fred.url}/fred`,
    MTS_FRED_API_KEY: FRED_KEY,
    // No stream server in these tests: a closed port keeps `mts run` on the REST schedule (the stream keeps
    // retrying and never covers an item), instead of reaching the real Binance streams.
    MTS_BINANCE_WS_URL: 'ws://127.0.0.1:9',
    MTS_BINANCE_FUTURES_WS_URL: 'ws://127.0.0.1:9',
  };
}

/** The fakes and a store, with the virtual clock at `clockAt` (a simulation's warm-up starts before its span). */
export async function startHarness(clockAt: number, extra: ConfigInput = {}): Promise<Harness> {
  const clock = new VirtualClock(clockAt);
  const now = () => clock.now();
  // Virtual time packs days into seconds of wall time, so the fakes' wall-clock rate windows are opened wide;
  // the client limiters (on the virtual clock) are what keeps pace.
  const binance = await fakeBinance({ now, weightPerWindow: 10_000_000 }).start();
  const coingecko = await fakeCoinGecko({ now, callsPerWindow: 1_000_000 }).start();
  const fred = await fakeFred({ apiKey: FRED_KEY, callsPerWindow: 1_000_000 }).start();
  const dir = tempDir('mts-sched-');
  const config = buildConfig({
    ...extra,
    dataDir: dir,
    sources: {
      // The fakes have no data for some default symbols in any one period (the 15m files are 2025, the altcoin
      // files end in 2022): an empty answer is asked again gapRetries times, which a real exchange with data
      // never causes. 0 keeps such items at the one call per slot the schedule makes.
      gapRetries: 0,
      ...extra.sources,
      binance: { baseUrl: binance.url, futuresBaseUrl: binance.url },
      coingecko: { baseUrl: `${coingecko.url}/api/v3` },
      fred: { baseUrl: `${fred.url}/fred`, apiKey: FRED_KEY },
    },
  });
  const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
  return {
    clock,
    binance,
    coingecko,
    fred,
    config,
    store,
    dir,
    async close() {
      await store.close();
      await Promise.all([binance.close(), coingecko.close(), fred.close()]);
    },
  };
}
