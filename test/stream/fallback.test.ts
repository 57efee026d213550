/**
 * The scheduler seam: a candle item the live stream covers spends no REST call (its data is already stored by the
 * stream); once the stream is down, the same item collects over REST again, filling what the stream missed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { scheduleItems, type CandleItem } from '../../src/scheduler/items.js';
import { collectionRunner } from '../../src/scheduler/runner.js';
import { realCandles } from '../fakes/data.js';
import { type StreamHarness, startStreamHarness, storedCandles, waitFor } from '../helpers/stream.js';

const M15 = 15 * 60_000;
const START = Date.parse('2025-05-12T06:00:00Z');

describe('REST polling while the stream is down, none while it covers', () => {
  let h: StreamHarness;
  afterAll(() => h?.close());

  it('skips the REST call of a covered item and makes it again once the stream is gone', async () => {
    h = await startStreamHarness(START);
    h.ws.bookTicker('BTCUSDT', 1, 2);
    h.stream.start();
    await waitFor('the stream to cover every series', () => h.stream.facts().some((f) => f.market === 'spot' && f.covering === 3));
    const item = scheduleItems(h.config, { macro: false, signals: false }).find((i) => i.id === 'candles:binance:BTC/USDT:15m') as CandleItem;
    const runner = collectionRunner({
      collect: { config: h.config, store: h.store, sources: h.sources, clock: h.clock, log: silentLogger },
      store: h.store,
      log: silentLogger,
      covered: (it) => h.stream.covers(it.symbol, it.timeframe),
    });
    const ctx = () => ({ signal: new AbortController().signal, countCalls: () => undefined });
    const klines = () => h.rest.requestsTo('/api/v3/klines').length;
    const source = realCandles('BTCUSDT', '15m');

    // Two quarters close over the stream; the scheduler's run for them spends nothing.
    for (const ts of [START, START + M15]) {
      h.ws.now = ts + M15;
      h.ws.kline('BTCUSDT', '15m', M15, source.find((c) => c.ts === ts)!, true);
    }
    await waitFor('the streamed closes', async () => (await storedCandles(h.store, 'BTC/USDT', '15m', START)).length === 2);
    const before = klines();
    const covered = await runner(item, { from: START, to: START + 2 * M15 }, ctx());
    expect(klines()).toBe(before);
    expect(covered.until).toBe(START + 2 * M15);

    // The stream server goes away; two more quarters close unseen, and the next run fetches them over REST.
    await h.ws.close();
    await waitFor('the stream to be down', () => !h.stream.covers('BTC/USDT', '15m'));
    h.ws.now = START + 4 * M15;
    const polled = await runner(item, { from: START + 2 * M15, to: START + 4 * M15 }, ctx());
    expect(klines()).toBe(before + 1);
    expect(polled.until).toBe(START + 4 * M15);
    expect(await storedCandles(h.store, 'BTC/USDT', '15m', START)).toEqual(source.filter((c) => c.ts >= START && c.ts < START + 4 * M15));
  });
});
