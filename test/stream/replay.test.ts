/**
 * A day of real BTC and ETH candles replayed over the fake Binance streams to ccxt.pro (accelerated: the test moves
 * replay time), with three forced disruptions: the server drops the socket mid-candle, sends a garbage frame, and
 * goes silent without closing. What is stored equals the source exactly, each disruption is repaired with one REST
 * klines call per series (counted on the fake REST server), order books and funding arrive at their cadence, and
 * the latest price the paper trader holds is sampled over the day against the REST-only schedule's.
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
/** Replay spacing of the trades between candle events (real BTC trades come many times a second). */
const TICK = 10_000;
/** Price ages are sampled every 5 minutes of the day, off the tick and candle grid. */
const SAMPLE_EVERY = 5 * 60_000;
const SAMPLE_AT = 157_000;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

describe('the market stream over a replayed day with forced disconnects', () => {
  let h: StreamHarness;
  const klineCalls = () => h.rest.requestsTo('/api/v3/klines').length;
  const coversAll = () => SERIES.every((s) => h.stream.covers(s.symbol, s.tf));
  let callsAtStart = 0;
  let klineCallsAtStart = 0;
  let restAtStart: string[] = [];
  /** Sample time → replay ms since the latest price the stream handed the paper trader (quarters while connected). */
  const priceAges = new Map<number, number>();
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

  /**
   * Trades of BTC and ETH every TICK over [from, to) of quarter i, on the straight line from the candle's open to
   * its close; at each sample time inside, the age of the latest BTC price the stream holds, once the trades sent
   * so far have been delivered.
   */
  async function ticks(i: number, from: number, to: number): Promise<void> {
    const t = DAY + i * M15;
    for (let ts = from; ts < to; ts += TICK) {
      h.ws.now = ts;
      for (const id of ['BTCUSDT', 'ETHUSDT']) {
        const c = at(id, '15m', t);
        h.ws.aggTrade(id, c.open + ((c.close - c.open) * (ts - t)) / M15);
      }
      const sample = Math.floor((ts - DAY) / SAMPLE_EVERY) * SAMPLE_EVERY + SAMPLE_AT + DAY;
      if (sample >= ts && sample < ts + TICK && sample < to) {
        await waitFor(`the trade at ${new Date(ts).toISOString()}`, () => h.stream.latest.get('BTC/USDT')?.ts === ts);
        priceAges.set(sample, sample - (h.stream.latest.get('BTC/USDT')?.ts as number));
      }
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
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const open = at(id, '15m', DAY).open;
      h.ws.bookTicker(id, open * 0.9999, open * 1.0001);
      h.futures.depth(id, 20, open);
      h.futures.markPrice(id, open, 0.0001, DAY + 8 * HOUR_MS);
    }
    h.stream.start();
    await waitFor('the first connection and its catch-up', () => coversAll());
    // the futures books are synced from one REST depth snapshot each
    await waitFor('the order-book snapshots', () => h.rest.requestsTo('/fapi/v1/depth').length === 2);
    klineCallsAtStart = klineCalls();
    callsAtStart = h.rest.requests.length;
    restAtStart = h.rest.requests.map((r) => r.path).sort();
    const faults: Record<number, { end: number; fault: () => void }> = {
      20: { end: 25, fault: () => h.ws.dropAll() },
      40: { end: 46, fault: () => h.ws.garbage() },
      60: { end: 66, fault: () => h.ws.muteAll() },
    };
    let connections = 1;
    for (let i = 0; i < 96; i++) {
      const outage = faults[i];
      if (!outage) {
        const t = DAY + i * M15;
        await ticks(i, t, t + M15 / 2);
        mid(i);
        await ticks(i, t + M15 / 2, t + M15);
        for (const s of close(i)) {
        const closedAt = h.ws.now;
        await waitFor(`${s.symbol} ${s.tf} closed at ${i}`, () => stored(s.symbol, s.tf, closedAt - s.step));
        lags.push(h.ws.now - closedAt);
      }
        continue;
      }
      // The fault, then the candles that close while the client is away: none of them reach it.
      const before = h.rest.requests.length;
      mid(i);
      outage.fault();
      for (let j = i; j < outage.end; j++) {
        if (j > i) mid(j);
        close(j);
      }
      connections++;
      await h.ws.connectionCount(connections);
      await waitFor('the repair after the reconnect', () => coversAll());
      perDisruption.push(h.rest.requests.length - before);
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
      // every REST call of the day, not only klines: a reconnect spends nothing else (the futures socket stayed up)
      const streamedCalls = h.rest.requests.length - callsAtStart;
      console.log(`crypto REST calls over the day: stream ${streamedCalls} (3 forced disconnects) vs REST-only ${restCalls} = ${((100 * streamedCalls) / restCalls).toFixed(1)}%`);
      expect(streamedCalls / restCalls).toBeLessThanOrEqual(0.05);
      // Freshness: streamed closes are stored before replay time moves on (0 s); the REST schedule waits for its slot.
      const restLag = Math.max(...SERIES.map((x) => report.lag[`candles:binance:${x.symbol}:${x.tf}`].maxMs));
      console.log(`candle freshness: stream max ${Math.max(...lags) / 1000} s over ${lags.length} closes vs REST-only max ${restLag / 1000} s`);
      expect(lags.length).toBeGreaterThan(150);
      expect(Math.max(...lags)).toBe(0);
      expect(restLag).toBeGreaterThanOrEqual(parseDuration(rest.config.tiers.settle));

      // Price freshness: at each sample time, the age of the latest price the paper trader has. Streaming: the last
      // trade handed over. REST-only: the close of the last 15m candle the schedule has stored, which its run stores
      // at the slot, `settle` after the close at the earliest (the schedule's own timing, the best case for REST).
      const settle = parseDuration(rest.config.tiers.settle);
      const restInterval = parseDuration(rest.config.tiers.highFrequency.interval);
      const restAge = (s: number) => s - (Math.floor((s - settle) / restInterval) * restInterval);
      const stored15m = new Set((await storedCandles(rest.store, 'BTC/USDT', '15m')).map((c) => c.ts + M15));
      const samples = [...priceAges.keys()];
      const restAges = samples.map((s) => {
        const close = s - restAge(s);
        expect(stored15m.has(close), `the REST-only schedule stored the candle closing ${new Date(close).toISOString()}`).toBe(true);
        return restAge(s);
      });
      const streamAges = [...priceAges.values()];
      const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5) / 1000} s, max ${Math.max(...xs) / 1000} s`;
      console.log(`price age over ${samples.length} samples of the day: stream ${fmt(streamAges)} vs REST-only ${fmt(restAges)} (min ${Math.min(...restAges) / 1000} s)`);
      // every 5 minutes of the day but the 17 quarters of the three outages (5 + 6 + 6)
      expect(samples.length).toBe(3 * (96 - 17));
      // the stream's price is never older than the replay's trade spacing: delivery adds nothing at this scale
      expect(Math.max(...streamAges)).toBeLessThan(TICK);
      // seconds against minutes: the stream's oldest price is younger than REST's freshest, and its median ~100× so
      expect(Math.max(...streamAges)).toBeLessThan(Math.min(...restAges));
      expect(quantile(restAges, 0.5)).toBeGreaterThanOrEqual(restInterval / 2);
      expect(quantile(streamAges, 0.5) * 50).toBeLessThan(quantile(restAges, 0.5));
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
    // the start: ccxt.pro's market lists (spot, USD-M), one catch-up klines call per series, one depth snapshot per perpetual
    expect(klineCallsAtStart).toBe(SERIES.length);
    expect(restAtStart).toEqual(['/api/v3/exchangeInfo', '/api/v3/klines', '/api/v3/klines', '/api/v3/klines', '/fapi/v1/depth', '/fapi/v1/depth', '/fapi/v1/exchangeInfo']);
    // dropped mid-candle, garbage frame, silent socket: each one REST call per series (klines), nothing else
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
    // One snapshot per symbol at the start, then at most one an hour. ccxt.pro keeps one live book per symbol, so a
    // snapshot is the book as it stands when the watch wakes: while the replay pushes a whole outage's depth in one
    // burst (the spot faults), the hour's first snapshot can fall on a later quarter; hence the range.
    expect(h.stream.totals.booksStored).toBeGreaterThanOrEqual(2 * 18);
    expect(h.stream.totals.booksStored).toBeLessThanOrEqual(2 * 25);
    for (const id of ['BTCUSDT', 'ETHUSDT']) {
      const symbol = `${id.slice(0, 3)}/USDT`;
      const last = await h.store.market.latestOrderBook(symbol);
      // the last hour's snapshot, taken at one of its quarters' depth updates, holding that quarter's book
      const q = ((last?.ts as number) - DAY - M15 / 2) / M15;
      expect(Number.isInteger(q) && q >= 92 && q <= 95, `snapshot at ${new Date(last?.ts as number).toISOString()}`).toBe(true);
      expect(last?.bids[0][0]).toBeCloseTo(Number((at(id, '15m', DAY + q * M15).open * (1 - 1e-4)).toFixed(8)), 8);
      expect(last?.asks[0][0]).toBeCloseTo(Number((at(id, '15m', DAY + q * M15).open * (1 + 1e-4)).toFixed(8)), 8);
      expect(last?.bids.length).toBe(20);
      expect(last?.spread).toBeCloseTo(last!.asks[0][0] - last!.bids[0][0], 8);
      expect(last?.mid).toBeCloseTo((last!.asks[0][0] + last!.bids[0][0]) / 2, 8);
      const funding = await h.store.market.readFunding(symbol, DAY, DAY + 2 * 24 * HOUR_MS);
      // one row per funding time (08:00, 16:00, 24:00), holding the rate last stored for it: the mark-price update
      // of one of the last hour's quarters (its rate 0.0001 + quarter × 1e-7, its mark the quarter's open)
      expect(funding.map((f) => f.ts)).toEqual([DAY + 8 * HOUR_MS, DAY + 16 * HOUR_MS, DAY + 24 * HOUR_MS]);
      const fq = Math.round((funding[2].rate - 0.0001) / 1e-7);
      expect(fq).toBeGreaterThanOrEqual(92);
      expect(fq).toBeLessThanOrEqual(95);
      expect(funding[2].rate).toBeCloseTo(0.0001 + fq * 1e-7, 10);
      expect(funding[2].markPrice).toBeCloseTo(Number(at(id, '15m', DAY + fq * M15).open.toFixed(8)), 8);
    }
  });
});
