import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/index.js';
import { parseFrame } from './events.js';
import { streamPlan } from './plan.js';

// Payloads as Binance's stream documentation shows them, wrapped in the combined-stream envelope.
const wrap = (stream: string, data: unknown) => JSON.stringify({ stream, data });

describe('parseFrame on Binance payloads', () => {
  it('reads a kline with its closed flag and string prices', () => {
    const k = { t: 1672515780000, T: 1672515839999, s: 'BNBBTC', i: '1m', f: 100, L: 200, o: '0.0010', c: '0.0020', h: '0.0025', l: '0.0015', v: '1000', n: 100, x: false, q: '1.0000', V: '500', Q: '0.500', B: '123456' };
    expect(parseFrame(wrap('bnbbtc@kline_1m', { e: 'kline', E: 1672515782136, s: 'BNBBTC', k }))).toEqual({
      kind: 'kline',
      id: 'BNBBTC',
      interval: '1m',
      closed: false,
      eventTime: 1672515782136,
      candle: { ts: 1672515780000, open: 0.001, high: 0.0025, low: 0.0015, close: 0.002, volume: 1000 },
    });
  });

  it('reads aggTrade, spot bookTicker (no event type), USD-M partial depth and markPriceUpdate', () => {
    expect(parseFrame(wrap('bnbbtc@aggTrade', { e: 'aggTrade', E: 1672515782136, s: 'BNBBTC', a: 12345, p: '0.001', q: '100', f: 100, l: 105, T: 1672515782136, m: true, M: true }))).toEqual({ kind: 'trade', id: 'BNBBTC', price: 0.001, ts: 1672515782136 });
    expect(parseFrame(wrap('bnbusdt@bookTicker', { u: 400900217, s: 'BNBUSDT', b: '25.35190000', B: '31.21000000', a: '25.36520000', A: '40.66000000' }))).toEqual({ kind: 'bookTicker', id: 'BNBUSDT', bid: 25.3519, bidQty: 31.21, ask: 25.3652, askQty: 40.66 });
    const depth = { e: 'depthUpdate', E: 1571889248277, T: 1571889248276, s: 'BTCUSDT', U: 390497796, u: 390497878, pu: 390497794, b: [['7403.89', '0.002'], ['7403.90', '3.906']], a: [['7405.96', '3.340'], ['7406.63', '4.525']] };
    expect(parseFrame(wrap('btcusdt@depth5@500ms', depth))).toEqual({ kind: 'depth', id: 'BTCUSDT', ts: 1571889248276, bids: [[7403.89, 0.002], [7403.9, 3.906]], asks: [[7405.96, 3.34], [7406.63, 4.525]] });
    const mark = { e: 'markPriceUpdate', E: 1562305380000, s: 'BTCUSDT', p: '11794.15000000', i: '11784.62659091', P: '11784.25641265', r: '0.00038167', T: 1562306400000 };
    expect(parseFrame(wrap('btcusdt@markPrice@1s', mark))).toEqual({ kind: 'markPrice', id: 'BTCUSDT', ts: 1562305380000, markPrice: 11794.15, fundingRate: 0.00038167, nextFundingTime: 1562306400000 });
  });

  it('refuses what Binance would not send, naming the fault', () => {
    expect(() => parseFrame('{"stream":"btcusdt@kline_15m","data":{"e":"kline","k":{"t":17')).toThrow(/not JSON/);
    expect(() => parseFrame(JSON.stringify({ result: null, id: 1 }))).toThrow(/no "stream" name/);
    expect(() => parseFrame(wrap('btcusdt@kline_15m', { e: 'kline', E: 1, k: { t: 0, o: '1', h: '1', l: '1', c: '1', v: '1' } }))).toThrow(/k\.x/);
    expect(() => parseFrame(wrap('btcusdt@aggTrade', { p: 'abc', T: 1 }))).toThrow(/btcusdt@aggTrade is malformed: p is "abc"/);
    expect(() => parseFrame(wrap('btcusdt@forceOrder', {}))).toThrow(/unknown stream type/);
  });
});

describe('streamPlan', () => {
  it('puts the default schedule on two combined-stream sockets: spot klines, trades, tops; futures depth and mark price', () => {
    const plan = streamPlan(buildConfig({}));
    expect(plan.series).toHaveLength(10);
    expect(plan.connections.map((c) => c.market)).toEqual(['spot', 'futures']);
    const [spot, futures] = plan.connections;
    expect(spot.url.startsWith('wss://stream.binance.com:9443/stream?streams=btcusdt@kline_15m/ethusdt@kline_15m/bnbusdt@kline_1h/')).toBe(true);
    // 10 klines + 10 trades + 10 tops of book; Binance allows 1024 streams per connection
    expect(spot.streams).toHaveLength(30);
    expect(futures.url).toBe('wss://fstream.binance.com/stream?streams=btcusdt@depth20@500ms/btcusdt@markPrice@1s/ethusdt@depth20@500ms/ethusdt@markPrice@1s');
  });
});
