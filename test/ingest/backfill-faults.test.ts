import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MACRO_SERIES } from '../../src/config/schema.js';
import { HOUR_MS } from '../../src/core/time.js';
import { fetchCandleRange } from '../../src/sources/candle-range.js';
import { fetchMacroRange } from '../../src/sources/macro-range.js';
import { fredSeries, realCandles } from '../fakes/data.js';
import { storeTargets } from '../helpers/env.js';
import { type Fakes, fakeConfig, ingestHarness, startFakes } from './harness.js';

const FAULTS = { serverError: 0.1, rateLimited: 0.05, timeout: 0.02, malformed: 0.01, retryAfterSeconds: 0.02 };
const FROM = Date.parse('2023-01-01T00:00:00Z');
const TO = Date.parse('2023-12-31T23:00:00Z');

describe.each(storeTargets())('backfill from faulty sources ($name)', (target) => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());

  it('stores a year of BTC/USDT 1h exactly as the source has it, within the weight limit', async () => {
    fakes.binance.setFaults({ ...FAULTS, seed: 11 });
    const h = await ingestHarness(target.url(), fakeConfig(fakes, { sources: { binance: { klinesPerPage: 500 } } }));
    try {
      const r = await fetchCandleRange({ ...h.deps, patient: true }, 'binance', 'BTC/USDT', '1h', FROM, TO);
      const expected = realCandles('BTCUSDT', '1h').filter((c) => c.ts >= FROM && c.ts <= TO);
      const got = await h.store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'binance' });
      expect(got.length).toBe(expected.length);
      expect(Array.from(got.ts)).toEqual(expected.map((c) => c.ts));
      expect(Array.from(got.close)).toEqual(expected.map((c) => c.close));
      expect(Array.from(got.high)).toEqual(expected.map((c) => c.high));
      expect(Array.from(got.low)).toEqual(expected.map((c) => c.low));
      expect(Array.from(got.open)).toEqual(expected.map((c) => c.open));
      expect(Array.from(got.volume)).toEqual(expected.map((c) => c.volume));
      // the real 2023-03-24 13:00 outage is remembered as an exchange gap, not invented
      expect(r.exchangeGaps).toEqual([[Date.parse('2023-03-24T13:00:00Z'), Date.parse('2023-03-24T13:00:00Z')]]);
      const faults = fakes.binance.requests.filter((q) => q.fault).map((q) => q.fault);
      expect(new Set(faults)).toEqual(new Set(['serverError', 'rateLimited', 'timeout', 'malformed']));
      expect(fakes.binance.violations).toEqual([]);
      // every attempt was accounted
      await h.sources.clients.accounting.flush();
      const stats = await h.store.ops.apiCallStats();
      expect(stats.find((s) => s.source === 'binance')?.calls).toBe(fakes.binance.requests.length);
    } finally {
      await h.close();
    }
  });

  it('stores all nine FRED-style series exactly (missing days as null), within the call limit', async () => {
    fakes.fred.setFaults({ ...FAULTS, seed: 5 });
    const h = await ingestHarness(target.url(), fakeConfig(fakes, { sources: { fred: { pageSize: 1000 } } }));
    const from = Date.parse('2005-01-01T00:00:00Z');
    try {
      for (const series of DEFAULT_MACRO_SERIES) await fetchMacroRange({ ...h.deps, patient: true }, series, from);
      for (const series of DEFAULT_MACRO_SERIES) {
        const expected = (fredSeries(series) ?? [])
          .filter((r) => r.date >= '2005-01-01')
          .map((r) => ({ series, date: Date.parse(`${r.date}T00:00:00Z`), value: r.value === '.' ? null : Number(r.value) }));
        expect(expected.length).toBeGreaterThan(4000);
        expect(await h.store.macro.read(series)).toEqual(expected);
      }
      const kinds = new Set(fakes.fred.requests.map((q) => q.fault).filter(Boolean));
      expect(kinds.size).toBeGreaterThanOrEqual(3);
      expect(fakes.fred.violations).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('repairs candles the source left out and keeps one of each duplicated candle', async () => {
    fakes.binance.setFaults({ missingCandles: 0.3, duplicateCandles: 0.3, seed: 3 });
    const h = await ingestHarness(target.url(), fakeConfig(fakes, { sources: { binance: { klinesPerPage: 200 } } }));
    const from = Date.parse('2024-03-01T00:00:00Z');
    const to = from + 999 * HOUR_MS;
    try {
      const r = await fetchCandleRange({ ...h.deps, patient: true }, 'binance', 'BTC/USDT', '1h', from, to);
      const got = await h.store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'binance' });
      expect(Array.from(got.ts)).toEqual(realCandles('BTCUSDT', '1h').filter((c) => c.ts >= from && c.ts <= to).map((c) => c.ts));
      expect(r.exchangeGaps).toEqual([]);
      expect(fakes.binance.requests.filter((q) => q.fault === 'missingCandles').length).toBeGreaterThan(0);
      expect(r.rejected).toBeGreaterThan(0); // the duplicates
    } finally {
      await h.close();
    }
  });
});
