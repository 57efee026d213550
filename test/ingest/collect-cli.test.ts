import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/store.js';
import { HOUR_MS } from '../../src/core/time.js';
import { shiftedCandles, shiftToNow } from '../fakes/data.js';
import { dropPgSchema, storeTargets } from '../helpers/env.js';
import { FRED_KEY, type Fakes, GECKO_KEY, spawnMts, startFakes } from './harness.js';

const CONFIG = `
assets: [BTC/USDT, ETH/USDT]
sources:
  timeoutMs: 3000
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }
tiers:
  highFrequency: { interval: 1h, symbols: [BTC/USDT, ETH/USDT], source: binance, timeframe: 1h }
  hourly: { interval: 1h, symbols: [] }
  macro: { series: [VIXCLS, DGS10] }
`;

describe('mts collect with a source down', () => {
  const shift = shiftToNow();
  // The targets run side by side (each with its own fakes): most of the time goes into starting the CLI.
  it.concurrent.each(storeTargets())('stores what the other sources returned, exits 3, and never prints a key ($name)', async (target) => {
    const fakes: Fakes = await startFakes({ binance: { shiftMs: shift, weightPerWindow: 6000, windowMs: 60_000 }, coingecko: { shiftMs: shift, callsPerWindow: 30, windowMs: 60_000 } });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-collect-'));
    const url = target.url();
    writeFileSync(path.join(dir, 'mts.config.yaml'), CONFIG);
    fakes.fred.setDown(true);
    try {
      const startedAt = Date.now();
      const run = await spawnMts(['collect'], {
        MTS_CONFIG: path.join(dir, 'mts.config.yaml'),
        MTS_DATA_DIR: dir,
        MTS_DB_URL: url,
        MTS_BINANCE_BASE_URL: fakes.binance.url,
        MTS_BINANCE_FUTURES_BASE_URL: fakes.binance.url,
        MTS_COINGECKO_BASE_URL: `${fakes.coingecko.url}/api/v3`,
        MTS_COINGECKO_API_KEY: GECKO_KEY,
        MTS_FRED_BASE_URL: `${fakes.fred.url}/fred`,
        MTS_FRED_API_KEY: FRED_KEY,
      }).done;
      expect(run.code, run.stderr.slice(-2000)).toBe(3);
      expect(run.stdout).toMatch(/macro:VIXCLS .*FAILED/);
      expect(run.stdout.match(/FAILED/g), run.stdout).toHaveLength(2); // the two macro series, nothing else
      expect(run.stdout).toMatch(/candles:binance:BTC\/USDT:1h .*stored \d+/);
      // the FRED requests did carry the key; the output never shows it
      expect(fakes.fred.requests.length).toBeGreaterThan(0);
      expect(fakes.fred.requests.every((r) => r.query.api_key === FRED_KEY)).toBe(true);
      expect(fakes.coingecko.requests.some((r) => r.headers['x-cg-demo-api-key'] === GECKO_KEY)).toBe(true);
      for (const key of [FRED_KEY, GECKO_KEY]) {
        expect(run.stderr).not.toContain(key);
        expect(run.stdout).not.toContain(key);
      }
      const store = await openStore(url);
      try {
        for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
          // one page back from the last closed hour, as the fake has it (ETH's real data misses an hour there)
          const got = await store.candles.read({ source: 'binance', symbol, timeframe: '1h' });
          const closed = shiftedCandles(symbol.replace('/', ''), '1h', shift).filter((c) => c.ts + HOUR_MS <= Date.now());
          // the child's clock decides the last closed hour; allow for the hour turning during the run
          const pageBefore = (t: number) => {
            const lastClosed = Math.floor(t / HOUR_MS) * HOUR_MS - HOUR_MS;
            return closed.filter((c) => c.ts >= lastClosed - 999 * HOUR_MS && c.ts <= lastClosed).map((c) => c.ts);
          };
          const expected = [pageBefore(startedAt), pageBefore(Date.now())];
          // about a page of closed hours: the data is shifted by whole days, so its last hour is up to a day before
          // the last closed one, and the page ending there holds 1,000 minus the hours in between
          expect(expected[0].length).toBeGreaterThan(950);
          expect(expected).toContainEqual(Array.from(got.ts));
          expect((await store.prices.latest(symbol))?.source).toBe('coingecko');
        }
        expect(await store.macro.read('VIXCLS')).toEqual([]);
        const calls = await store.ops.apiCallStats();
        expect(calls.find((c) => c.source === 'fred')?.errors).toBe(fakes.fred.requests.length);
      } finally {
        await store.close();
      }
    } finally {
      await fakes.close();
      rmSync(dir, { recursive: true, force: true });
      await dropPgSchema(url);
    }
  });
});
