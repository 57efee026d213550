import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floorToGrid } from '../../src/core/time.js';
import { openStore } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { fakeCoinGecko } from '../fakes/coingecko.js';
import { fakeFred } from '../fakes/fred.js';
import { findGaps } from '../../src/storage/gaps.js';
import { tempDir } from '../helpers/env.js';
import { fakeEnv, FRED_KEY } from './harness.js';
import { exitWithin, spawnMts, waitFor } from './process.js';

const AS_OF = Date.parse('2025-06-04T10:30:00Z');
const QUARTER = 15 * 60_000;

describe('mts run stopped by SIGTERM in the middle of a collection', async () => {
  // the fakes' "now" follows the spawned process's shifted clock (give or take the start-up second)
  let offset = AS_OF - Date.now();
  const now = () => Date.now() + offset;
  const binance = await fakeBinance({ now, latencyMs: 1500 }).start();
  const coingecko = await fakeCoinGecko({ now }).start();
  const fred = await fakeFred({ apiKey: FRED_KEY }).start();
  afterAll(() => Promise.all([binance.close(), coingecko.close(), fred.close()]));
  const dir = tempDir('mts-sigterm-');
  const env = { ...fakeEnv({ binance, coingecko, fred }), MTS_DATA_DIR: dir };
  const btcRequests = () => binance.requests.filter((r) => r.path.endsWith('/klines') && r.query.symbol === 'BTCUSDT');

  it('exits 0 within 10 s with nothing half-written, and the next start continues where it stopped', async () => {
    const first = spawnMts(['run', '--as-of', new Date(AS_OF).toISOString()], env);
    // the first kline answers take 1.5 s: stop while one is in flight
    await waitFor('a klines request in flight', () => binance.requests.filter((r) => r.path.endsWith('/klines')).length >= 2);
    first.child.kill('SIGTERM');
    const exit = await exitWithin(first, 10_000);
    expect(exit, first.stderr.join('').slice(-2000)).toEqual({ code: 0, signal: null });

    const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
    const btc = await store.candles.read({ symbol: 'BTC/USDT', timeframe: '15m', source: 'binance' });
    const states = await store.ops.listSchedulerState();
    const calls = await store.ops.apiCallStats();
    await store.close();
    // what was stored is whole: one run of consecutive candles ending before the (shifted) start
    expect(btc.length).toBeGreaterThan(0);
    expect(findGaps(btc.ts, QUARTER)).toEqual([]);
    expect(btc.ts[btc.length - 1]).toBeLessThan(floorToGrid(AS_OF, QUARTER));
    expect(states.find((s) => s.item === 'candles:binance:BTC/USDT:15m')?.dataUntil).toBe(btc.ts[btc.length - 1] + QUARTER);
    expect(calls.find((c) => c.source === 'binance')?.calls).toBeGreaterThan(0);

    // started again 20 minutes later, BTC asks for the candles after the last stored one, not from scratch
    binance.setLatency(0);
    const seen = btcRequests().length;
    offset = AS_OF + 20 * 60_000 - Date.now();
    const second = spawnMts(['run', '--as-of', new Date(now()).toISOString()], env);
    await waitFor('the next BTC request', () => btcRequests().length > seen);
    expect(Number(btcRequests()[seen].query.startTime)).toBe(btc.ts[btc.length - 1] + QUARTER);
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, 10_000)).toEqual({ code: 0, signal: null });
  });
});
