import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/index.js';
import { checkFrame } from './events.js';
import { streamPlan } from './plan.js';

// Payloads as Binance's stream documentation shows them (raw `/ws` payloads, as ccxt.pro receives them).
describe('checkFrame on Binance payloads', () => {
  it('accepts kline, aggTrade, spot bookTicker (no event type), USD-M depthUpdate, markPriceUpdate and acks', () => {
    const k = { t: 1672515780000, T: 1672515839999, s: 'BNBBTC', i: '1m', f: 100, L: 200, o: '0.0010', c: '0.0020', h: '0.0025', l: '0.0015', v: '1000', n: 100, x: false, q: '1.0000', V: '500', Q: '0.500', B: '123456' };
    expect(checkFrame({ e: 'kline', E: 1672515782136, s: 'BNBBTC', k })).toBe('kline');
    expect(checkFrame({ e: 'aggTrade', E: 1672515782136, s: 'BNBBTC', a: 12345, p: '0.001', q: '100', f: 100, l: 105, T: 1672515782136, m: true, M: true })).toBe('trade');
    expect(checkFrame({ u: 400900217, s: 'BNBUSDT', b: '25.35190000', B: '31.21000000', a: '25.36520000', A: '40.66000000' })).toBe('bookTicker');
    const depth = { e: 'depthUpdate', E: 1571889248277, T: 1571889248276, s: 'BTCUSDT', U: 390497796, u: 390497878, pu: 390497794, b: [['7403.89', '0.002'], ['7403.90', '3.906']], a: [['7405.96', '3.340'], ['7406.63', '4.525']] };
    expect(checkFrame(depth)).toBe('depth');
    const mark = { e: 'markPriceUpdate', E: 1562305380000, s: 'BTCUSDT', p: '11794.15000000', i: '11784.62659091', P: '11784.25641265', r: '0.00038167', T: 1562306400000 };
    expect(checkFrame(mark)).toBe('markPrice');
    expect(checkFrame({ result: null, id: 1 })).toBe('control');
  });

  it('refuses what Binance would not send, naming the fault', () => {
    // ccxt hands a frame it could not JSON.parse on as the raw text
    expect(() => checkFrame('{"e":"kline","E":17')).toThrow(/not JSON/);
    expect(() => checkFrame([1, 2])).toThrow(/not a JSON object/);
    expect(() => checkFrame({ e: 'kline', E: 1, k: { s: 'BTCUSDT', i: '15m', t: 0, o: '1', h: '1', l: '1', c: '1', v: '1' } })).toThrow(/k\.x/);
    expect(() => checkFrame({ e: 'kline', E: 1, k: { s: 'BTCUSDT', i: '15m', x: true, t: 0, o: '1', h: '1', l: '1', c: 'NaN', v: '1' } })).toThrow(/k\.c is "NaN"/);
    expect(() => checkFrame({ e: 'aggTrade', s: 'BTCUSDT', p: 'abc', q: '1', T: 1 })).toThrow(/p is "abc"/);
    expect(() => checkFrame({ e: 'depthUpdate', s: 'BTCUSDT', U: 1, u: 2, b: [['1']], a: [] })).toThrow(/b\[0\] is not \[price, quantity\]/);
    expect(() => checkFrame({ e: 'forceOrder' })).toThrow(/unknown event "forceOrder"/);
  });
});

describe('streamPlan', () => {
  it('lists the default schedule: spot klines, trades, tops; futures diff depth and mark price, on ccxt.pro base URLs', () => {
    const plan = streamPlan(buildConfig({}));
    expect(plan.series).toHaveLength(10);
    expect(plan.connections.map((c) => c.market)).toEqual(['spot', 'futures']);
    const [spot, futures] = plan.connections;
    expect(spot.url).toBe('wss://stream.binance.com:9443/ws');
    expect(spot.streams.slice(0, 3)).toEqual(['btcusdt@kline_15m', 'ethusdt@kline_15m', 'bnbusdt@kline_1h']);
    // 10 klines + 10 trades + 10 tops of book
    expect(spot.streams).toHaveLength(30);
    expect(futures.url).toBe('wss://fstream.binance.com/ws');
    expect(futures.streams).toEqual(['btcusdt@depth@100ms', 'btcusdt@markPrice@1s', 'ethusdt@depth@100ms', 'ethusdt@markPrice@1s']);
  });
});
