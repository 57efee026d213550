/**
 * A day of real BTC and ETH candles replayed over the fake Binance streams (accelerated: the test moves replay
 * time), with three forced disruptions: the server drops the socket mid-candle, sends a garbage frame, and goes
 * silent without closing. What is stored equals the source exactly, each disruption is repaired with one REST
 * klines call per series (counted on the fake REST server), and order books and funding arrive at their cadence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, type Timeframe } from '../../src/core/time.js';
import type { Candle } from '../../src/core/types.js';
import { metrics } from '../../src/core/metrics.js';
import { silentLogger } from '../../src/core/log.js';
import { parseDuration } from '../../src/core/time.js';
import { DEFAULT_WARMUP_MS, simulate } from '../../src/scheduler/simulate.js';
import { realCandles } from '../fakes/data.js';
import { startHarness } from '../scheduler/harness.js';
import { type StreamHarness, startStreamHarness, storedCandles, waitFor } from '../helpers/stream.js';

// The day the REST schedule's simulated-day test also stores whole (no candle flagged by validation).
const DAY = Date.parse('2025-05-12T00:00:00Z');
const M15 = 15 * 60_000;
const SERIES = [
  { symbol: 'BTC/USDT', id: 'BTCUSDT', tf: '15m' as Timeframe, step: M15 },
  { symbol: 'ETH/USDT', id: 'ETHUSDT', tf: '15m' as Timeframe, step: M15 },
  { symbol: 'BTC/USDT', id: 'BTCUSDT', tf: '1h' as Timeframe, step: HOUR_MS },
] as const;

const source = (id: string, tf: string) => realCandles(id, tf);
const at = (id: string, tf: string, ts: number): Candle => {
  const c = source(id, tf).find((x) => x.ts === ts);
  if (!c) throw new Error(`no ${id} ${tf} candle at ${new Date(ts).toISOString()} in the shared data`);
  return c;
};
const opening = (c: Candle): Candle => ({ ts: c.ts, open: c.open, high: c.open, low: c.open, close: c.open, volume: c.volume / 2 });

describe('the market stream over a replayed day with forced disconnects', () => {
  let h: StreamHarness;
  const klineCalls = () => h.rest.requestsTo('/api/v3/klines').length;
  const coversAll = () => SERIES.every((s) => h.stream.covers(s.symbol, s.tf));
  let callsAtStart = 0;
  const perDisruption: number[] = [];
  /** Replay ms between a candle's close and the moment it was in storage, for candles closed while connected. */
  const lags: number[] = [];

  /** Replay time half-way through 15m candle i: partial klines, trades, depth and mark price. */
  function mid(i: number): void {
    const t = DAY + i * M15;
    h.ws.now = t + M15 / 2;
    h.futures.now = h.ws.now;
    for (const s of SERIES) {
      const open = s.step === M15 ? t : Math.floor(t / HOUR_MS) * HOUR_MS;
      const c = at(s.id, s.tf, open);
      h.ws.kline(s.id, s.tf, s.step, opening(c), false);
      h.ws.aggTrade(s.id, c.open);
      h.ws.bookTicker(s.id, c.open * 0.9999, c.open * 1.0001);
    }
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const c = at(id, '15m', t);
      h.futures.depth(id, 20, c.open);
      h.futures.markPrice(id, c.open, 0.0001 + i * 1e-7, Math.ceil((t + 1) / (8 * HOUR_MS)) * 8 * HOUR_MS);
    }
  }

  /** Replay time at the close of 15m candle i: closed 15m klines, and the hour's when it closes too. */
  function close(i: number): (typeof SERIES)[number][] {
    const t = DAY + i * M15;
    h.ws.now = t + M15;
    h.futures.now = h.ws.now;
    const closed = SERIES.filter((s) => (t + M15) % s.step === 0);
    for (const s of closed) h.ws.kline(s.id, s.tf, s.step, at(s.id, s.tf, t + M15 - s.step), true);
    return closed;
  }

  async function stored(symbol: string, tf: Timeframe, ts: number): Promise<boolean> {
    const got = await h.store.candles.read({ source: 'binance', symbol, timeframe: tf, limit: 1 });
    return got.length === 1 && got.ts[0] >= ts;
  }

  beforeAll(async () => {
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const day = source(id, '15m').filter((c) => c.ts >= DAY && c.ts < DAY + 24 * HOUR_MS);
      expect(day.map((c) => c.ts)).toEqual(Array.from({ length: 96 }, (_, k) => DAY + k * M15));
    }
    h = await startStreamHarness(DAY);
    // the top of book before the day starts, which the servers keep repeating while nothing else happens
    for (const id of ['BTCUSDT', 'ETHUSDT']) h.ws.bookTicker(id, at(id, '15m', DAY).open * 0.9999, at(id, '15m', DAY).open * 1.0001);
    h.stream.start();
    await waitFor('the first connection and its catch-up', () => coversAll());
    callsAtStart = klineCalls();
    const faults: Record<number, { end: number; fault: () => void }> = {
      20: { end: 25, fault: () => h.ws.dropAll() },
      40: { end: 46, fault: () => h.ws.garbage() },
      60: { end: 66, fault: () => h.ws.muteAll() },
    };
    let connections = 1;
    for (let i = 0; i < 96; i++) {
      const outage = faults[i];
      if (!outage) {
        mid(i);
        for (const s of close(i)) {
        const closedAt = h.ws.now;
        await waitFor(`${s.symbol} ${s.tf} closed at ${i}`, () => stored(s.symbol, s.tf, closedAt - s.step));
        lags.push(h.ws.now - closedAt);
      }
        continue;
      }
      // The fault, then the candles that close while the client is away: none of them reach it.
      const before = klineCalls();
      mid(i);
      outage.fault();
      for (let j = i; j < outage.end; j++) {
        if (j > i) mid(j);
        close(j);
      }
      connections++;
      await h.ws.connectionCount(connections);
      await waitFor('the repair after the reconnect', () => coversAll());
      perDisruption.push(klineCalls() - before);
      i = outage.end - 1;
    }
    await h.stream.settled();
  }, 30_000);

  afterAll(() => h?.close());

  it('spends at most 5% of the REST-only schedule\'s crypto calls over the day, and stores candles at their close', async () => {
    // The REST-only schedule of the same tiers over the same day, simulated against the fake REST server.
    const rest = await startHarness(DAY - DEFAULT_WARMUP_MS, { tiers: { highFrequency: { interval: '15m', timeframe: '15m', symbols: ['BTC/USDT', 'ETH/USDT'], derive: [] }, hourly: { interval: '1h', timeframe: '1h', symbols: ['BTC/USDT'] } } });
    try {
      const report = await simulate({ config: rest.config, store: rest.store, log: silentLogger, clock: rest.clock, start: DAY, until: DAY + 24 * HOUR_MS });
      const restCalls = report.calls.binance;
      // hand count: 96 quarter hours for BTC and ETH, 24 hours for BTC
      expect(restCalls).toBe(96 + 96 + 24);
      const streamedCalls = klineCalls() - callsAtStart;
      console.log(`crypto REST calls over the day: stream ${streamedCalls} (3 forced disconnects) vs REST-only ${restCalls} = ${((100 * streamedCalls) / restCalls).toFixed(1)}%`);
      expect(streamedCalls / restCalls).toBeLessThanOrEqual(0.05);
      // Freshness: streamed closes are stored before replay time moves on (0 s); the REST schedule waits for its slot.
      const restLag = Math.max(...SERIES.map((x) => report.lag[`candles:binance:${x.symbol}:${x.tf}`].maxMs));
      console.log(`candle freshness: stream max ${Math.max(...lags) / 1000} s over ${lags.length} closes vs REST-only max ${restLag / 1000} s`);
      expect(lags.length).toBeGreaterThan(150);
      expect(Math.max(...lags)).toBe(0);
      expect(restLag).toBeGreaterThanOrEqual(parseDuration(rest.config.tiers.settle));
    } finally {
      await rest.close();
    }
  }, 30_000);

  it('stores every candle of the day equal to the source, across the disconnects', async () => {
    for (const s of SERIES) {
      const got = await storedCandles(h.store, s.symbol, s.tf);
      const first = got[0].ts;
      const want = source(s.id, s.tf).filter((c) => c.ts >= first && c.ts < DAY + 24 * HOUR_MS);
      expect(got.length, `${s.symbol} ${s.tf}`).toBe(want.length);
      expect(got, `${s.symbol} ${s.tf}`).toEqual(want);
      // the day itself is whole: 96 quarter hours, 24 hours
      expect(got.filter((c) => c.ts >= DAY).length).toBe(s.step === M15 ? 96 : 24);
    }
  });

  it('repairs each disconnect with one REST klines call per series, and starts with one', () => {
    expect(callsAtStart).toBe(SERIES.length);
    // dropped mid-candle, garbage frame, silent socket: each one call per series, none in between
    expect(perDisruption).toEqual([SERIES.length, SERIES.length, SERIES.length]);
    expect(klineCalls()).toBe(4 * SERIES.length);
    expect(h.stream.totals.repairCalls).toBe(4 * SERIES.length);
  });

  it('counts the reconnects, the broken frame and the repairs in health facts and metrics', async () => {
    const spot = h.stream.facts().find((f) => f.market === 'spot');
    expect(spot).toMatchObject({ connected: true, reconnects: 3, badFrames: 1, covering: SERIES.length, series: SERIES.length });
    expect(spot?.lastMessageAgeMs).toBeGreaterThanOrEqual(0);
    const reconnects = (await metrics.streamReconnects.get()).values.find((v) => v.labels.market === 'spot')?.value;
    expect(reconnects).toBe(3);
    const repaired = (await metrics.streamGapsRepaired.get()).values.reduce((n, v) => n + v.value, 0);
    expect(repaired).toBe(4 * SERIES.length);
    const kinds = new Set((await metrics.streamMessages.get()).values.map((v) => v.labels.kind));
    expect([...kinds].sort()).toEqual(['bookTicker', 'depth', 'kline', 'markPrice', 'trade']);
  });

  it('stores order books with spread and mid, and funding, at the configured hourly cadence', async () => {
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const symbol = `${id.slice(0, 3)}/USDT`;
      const last = await h.store.market.latestOrderBook(symbol);
      // the futures socket was never disturbed: the 23:07:30 snapshot is the hour's first, stored as sent
      expect(last?.ts).toBe(DAY + 23 * HOUR_MS + M15 / 2);
      expect(last?.bids[0][0]).toBeCloseTo(Number((at(id, '15m', DAY + 92 * M15).open * (1 - 1e-4)).toFixed(8)), 8);
      expect(last?.bids.length).toBe(20);
      expect(last?.spread).toBeCloseTo(last!.asks[0][0] - last!.bids[0][0], 8);
      expect(last?.mid).toBeCloseTo((last!.asks[0][0] + last!.bids[0][0]) / 2, 8);
      const funding = await h.store.market.readFunding(symbol, DAY, DAY + 2 * 24 * HOUR_MS);
      // one row per funding time (08:00, 16:00, 24:00), holding the rate last stored for it
      expect(funding.map((f) => f.ts)).toEqual([DAY + 8 * HOUR_MS, DAY + 16 * HOUR_MS, DAY + 24 * HOUR_MS]);
      expect(funding[2].rate).toBeCloseTo(0.0001 + 92 * 1e-7, 10);
    }
  });
});
