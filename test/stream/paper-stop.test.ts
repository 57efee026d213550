/**
 * The paper trader's stop-loss fires from a streamed trade price between two candle closes: real BTC candles are
 * stored up to an hour's close, a LONG opens at that close with its stop 1% below, and the fake stream then sends
 * the next hour's real 15-minute lows as trades; the stop fills from the first one through it, before the hour's
 * candle exists.
 */
import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { HOUR_MS } from '../../src/core/time.js';
import { PaperEngine } from '../../src/paper/engine.js';
import { MarketStream } from '../../src/sources/stream/market-stream.js';
import { intentFromAlert } from '../../src/paper/intent.js';
import { afterAll, describe, expect, it } from 'vitest';
import { realCandles } from '../fakes/data.js';
import { alertOf } from '../helpers/paper.js';
import { type StreamHarness, startStreamHarness, waitFor } from '../helpers/stream.js';

const M15 = 15 * 60_000;

/** The first hour after `from` whose 15m lows fall more than 1% below the previous hour's close. */
function fallingHour(from: number) {
  const hours = realCandles('BTCUSDT', '1h');
  const quarters = realCandles('BTCUSDT', '15m');
  for (let i = hours.findIndex((c) => c.ts >= from); i > 0 && i < hours.length; i++) {
    const entry = hours[i - 1].close;
    const inside = quarters.filter((q) => q.ts >= hours[i].ts && q.ts < hours[i].ts + HOUR_MS);
    const k = inside.findIndex((q) => q.low < entry * 0.99);
    if (inside.length === 4 && k >= 0) return { hour: hours[i].ts, entry, history: hours.slice(i - 48, i), inside, k };
  }
  throw new Error('no hour in the shared data falls 1% below the previous close');
}

describe('a streamed price between candle closes', () => {
  let h: StreamHarness;
  afterAll(() => h?.close());

  it('fires the paper stop-loss at the streamed price, before the candle closes', async () => {
    const f = fallingHour(Date.parse('2025-05-01T00:00:00Z'));
    h = await startStreamHarness(f.hour);
    await h.store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, f.history);
    const clock = new VirtualClock(f.hour);
    const engine = await PaperEngine.open({ store: h.store, config: h.config, clock, log: silentLogger });
    const stop = f.entry * 0.99;
    const intent = intentFromAlert(alertOf('LONG', clock.now(), { price: f.entry, stopLoss: stop, takeProfit: f.entry * 1.05 }), h.config.assets);
    if (!intent.ok) throw new Error(intent.reason);
    expect((await engine.applyAlert(intent.intent)).status).toBe('applied');
    h.stream.onPrice((symbol, price, ts) => engine.onPrice(symbol, price, ts));
    h.stream.start();
    await h.ws.subscribed('btcusdt@aggTrade');
    // Mid-way through each quarter of the hour, a trade at that quarter's real low; the hour never closes here.
    const lowest = f.inside[f.k];
    for (const [j, q] of f.inside.entries()) {
      h.ws.now = q.ts + M15 / 2;
      h.ws.aggTrade('BTCUSDT', q.low);
      if (j === f.k) break;
    }
    await waitFor('the stop to fill', async () => (await h.store.paper.trades()).length === 1);
    const [trade] = await h.store.paper.trades();
    expect(trade).toMatchObject({ symbol: 'BTC/USDT', side: 'LONG', exitReason: 'stop_loss' });
    // Through the stop already: a market sell at the streamed price, less the configured slippage.
    expect(trade.exitPrice).toBeCloseTo(lowest.low * (1 - h.config.backtest.slippageBps / 10_000), 6);
    expect(trade.exitPrice).toBeLessThan(stop);
    expect(trade.exitTs).toBe(lowest.ts + M15 / 2);
    // between two closes: the hour's candle was never stored, the fill came from the tick alone
    expect(await h.store.candles.count({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' })).toBe(f.history.length);
    expect(await h.store.paper.positions()).toHaveLength(0);
  });
});

describe('a prices-only stream (`mts paper --live-prices`)', () => {
  let h: StreamHarness;
  afterAll(() => h?.close());

  it('hands trades and kline closes to its listeners and stores nothing, calling no REST endpoint but the market list', async () => {
    const start = Date.parse('2025-05-12T06:00:00Z');
    h = await startStreamHarness(start);
    const stream = new MarketStream({ config: h.config, store: h.store, clock: h.clock, log: silentLogger, binance: h.sources.binance, pricesOnly: true });
    const seen: [string, number, number][] = [];
    stream.onPrice((symbol, price, ts) => seen.push([symbol, price, ts]));
    stream.start();
    try {
      await h.ws.subscribed('ethusdt@aggTrade');
      await h.ws.subscribed('btcusdt@kline_15m');
      const c = realCandles('BTCUSDT', '15m').find((x) => x.ts === start)!;
      h.ws.now = start + M15 / 2;
      h.ws.aggTrade('ETHUSDT', 2500.5);
      h.ws.now = start + M15;
      h.ws.kline('BTCUSDT', '15m', M15, c, true);
      await waitFor('both prices', () => seen.length === 2);
      expect(seen).toEqual([
        ['ETH/USDT', 2500.5, start + M15 / 2],
        ['BTC/USDT', c.close, start + M15],
      ]);
      await stream.settled();
      expect(await h.store.candles.count({ source: 'binance', symbol: 'BTC/USDT', timeframe: '15m' })).toBe(0);
      // ccxt.pro's spot market list, loaded once; no klines (no repair), no futures (no socket, no depth snapshot)
      expect(h.rest.requests.map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
      expect(stream.facts().map((f) => f.market)).toEqual(['spot']);

      // listeners get prices in event-time order: a trade older than the price already handed on is dropped
      h.ws.now = start + M15 - 1000;
      h.ws.aggTrade('BTCUSDT', 1.5);
      h.ws.now = start + M15 + 1000;
      h.ws.aggTrade('BTCUSDT', 2.5);
      await waitFor('the later trade', () => seen.length === 3);
      expect(seen[2]).toEqual(['BTC/USDT', 2.5, start + M15 + 1000]);
      expect(stream.latest.get('BTC/USDT')).toEqual({ price: 2.5, ts: start + M15 + 1000 });
      expect(stream.covers('BTC/USDT', '15m')).toBe(false);
    } finally {
      await stream.stop();
    }
  });
});
