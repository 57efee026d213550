import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringConfig, type Seeded, seedMonitoringData } from '../../test/helpers/monitoring-seed.js';
import { dropPgSchema, storeTargets } from '../../test/helpers/env.js';
import { VirtualClock } from '../core/clock.js';
import { HOUR_MS } from '../core/time.js';
import { openStore, type Store } from '../storage/store.js';
import { createServer } from './server.js';

describe.each(storeTargets())('the read API on $name', (target) => {
  let store: Store;
  let app: FastifyInstance;
  let seed: Seeded;
  let url: string;

  beforeAll(async () => {
    url = target.url();
    store = await openStore(url);
    seed = await seedMonitoringData(store);
    app = await createServer({ config: monitoringConfig(), store, clock: new VirtualClock(seed.now) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await dropPgSchema(url);
  });

  const get = async (path: string) => {
    const res = await app.inject({ method: 'GET', url: path });
    return { status: res.statusCode, body: res.json() as any };
  };

  it('pages candles newest first by default, oldest first with order=asc, with the real prices', async () => {
    const btc = seed.candles['BTC/USDT'];
    const desc = await get('/api/v1/candles?symbol=BTC/USDT&timeframe=1h&limit=10&offset=5');
    expect(desc.status).toBe(200);
    expect(desc.body).toMatchObject({ total: 400, limit: 10, offset: 5, symbol: 'BTC/USDT', timeframe: '1h' });
    expect(desc.body.items).toHaveLength(10);
    expect(desc.body.items[0]).toEqual(btc[394]);
    expect(desc.body.items[9]).toEqual(btc[385]);
    const asc = await get('/api/v1/candles?symbol=btc/usdt&timeframe=1h&limit=3&order=asc');
    expect(asc.body.items.map((c: { ts: number }) => c.ts)).toEqual([btc[0].ts, btc[1].ts, btc[2].ts]);
  });

  it('filters candles by time range given as ISO or epoch ms', async () => {
    const btc = seed.candles['BTC/USDT'];
    const from = new Date(btc[10].ts).toISOString();
    const res = await get(`/api/v1/candles?symbol=BTC/USDT&timeframe=1h&from=${from}&to=${btc[19].ts}&order=asc&limit=100`);
    expect(res.body.total).toBe(10);
    expect(res.body.items[0].ts).toBe(btc[10].ts);
    expect(res.body.items[9].ts).toBe(btc[19].ts);
  });

  it('answers 400 naming the problem for bad query strings', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/candles?timeframe=1h', /missing required parameter "symbol"/],
      ['/api/v1/candles?symbol=BTC/USDT&timeframe=2h', /timeframe must be one of 1m, 5m, 15m, 1h, 4h, 1d/],
      ['/api/v1/candles?symbol=BTC/USDT&timeframe=1h&limit=0', /limit must be >= 1/],
      ['/api/v1/signals?limit=5000', /limit must be <= 1000/],
      ['/api/v1/signals?limt=5', /unknown parameter "limt"/],
      ['/api/v1/signals?from=yesterday', /from: cannot read time "yesterday"/],
      ['/api/v1/alerts?from=2025-12-01&to=2025-11-01', /from \(2025-12-01\) is after to \(2025-11-01\)/],
      ['/api/v1/signals?offset=-1', /offset must be >= 0/],
      ['/api/v1/signals?symbol=BTC', /symbol must match pattern/],
    ];
    for (const [path, message] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error, path).toBe('bad_request');
      expect(res.body.message, path).toMatch(message);
    }
  });

  it('lists signals newest first with symbol, strategy and time filters', async () => {
    const all = await get('/api/v1/signals?limit=100');
    expect(all.body.total).toBe(seed.signals.length);
    const ts = all.body.items.map((s: { ts: number }) => s.ts);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    const eth = await get('/api/v1/signals?symbol=ETH/USDT&strategy=volatility');
    const expected = seed.signals.filter((s) => s.symbol === 'ETH/USDT');
    expect(eth.body.total).toBe(expected.length);
    expect(eth.body.items[0]).toMatchObject({ symbol: 'ETH/USDT', side: 'SHORT', strategy: 'volatility', meta: { percentile: 0.97 } });
    expect(eth.body.items[0].stop_loss).toBeCloseTo(expected[expected.length - 1].stopLoss as number, 9);
    const cut = seed.signals[3].ts;
    const since = await get(`/api/v1/signals?symbol=BTC/USDT&from=${cut}`);
    expect(since.body.total).toBe(seed.signals.filter((s) => s.symbol === 'BTC/USDT' && s.ts >= cut).length);
    const paged = await get('/api/v1/signals?limit=2&offset=2');
    expect(paged.body.items).toEqual(all.body.items.slice(2, 4));
  });

  it('lists alerts with their bodies', async () => {
    const res = await get('/api/v1/alerts?limit=2');
    expect(res.body).toMatchObject({ total: seed.alertIds.length, limit: 2, offset: 0 });
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0].body.schema).toBe('mts.alert/v1');
    const btc = await get('/api/v1/alerts?symbol=BTC/USDT&strategy=aggregate');
    expect(btc.body.items.every((a: { symbol: string }) => a.symbol === 'BTC/USDT')).toBe(true);
  });

  it('lists macro observations by series, newest first, missing days as null', async () => {
    const res = await get('/api/v1/macro?series=VIXCLS&limit=5');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(120);
    expect(res.body.items[0].series).toBe('VIXCLS');
    expect(res.body.items[0].date).toBeGreaterThan(res.body.items[1].date);
    const none = await get('/api/v1/macro?series=DGS10');
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('shows the paper portfolio, its positions marked to the last close, and closed trades', async () => {
    const p = await get('/api/v1/portfolio?points=50');
    expect(p.body.active).toBe(true);
    expect(p.body.equity).toBeCloseTo(seed.equity, 9);
    expect(p.body.initial_cash).toBe(10_000);
    expect(p.body.total_return).toBeCloseTo(seed.equity / 10_000 - 1, 12);
    expect(p.body.equity_curve).toHaveLength(50);
    expect(p.body).toMatchObject({ positions: 1, trades: 2 });
    const pos = await get('/api/v1/positions');
    const last = seed.candles['BTC/USDT'][399].close;
    const entry = seed.candles['BTC/USDT'][300].close;
    expect(pos.body.items[0]).toMatchObject({ symbol: 'BTC/USDT', side: 'LONG', market_price: last });
    expect(pos.body.items[0].unrealized_pnl).toBeCloseTo((last - entry) * 0.05, 9);
    const trades = await get('/api/v1/trades?symbol=ETH/USDT');
    expect(trades.body.total).toBe(1);
    expect(trades.body.items[0]).toMatchObject({ side: 'SHORT', pnl: 98.5, exit_reason: 'take_profit' });
  });

  it('lists backtests with metrics and shows one run with trades and a thinned equity curve', async () => {
    const list = await get('/api/v1/backtests');
    expect(list.body.total).toBe(2);
    expect(list.body.items[0]).toMatchObject({ id: 'bt-sma-btc', strategy: 'sma_cross', symbols: ['BTC/USDT'], metrics: { sharpe: 1.42 } });
    const eth = await get('/api/v1/backtests?symbol=ETH/USDT');
    expect(eth.body.items.map((r: { id: string }) => r.id)).toEqual(['bt-vol-eth']);
    const one = await get('/api/v1/backtests/bt-sma-btc?points=100&trades=2');
    expect(one.status).toBe(200);
    expect(one.body.trade_count).toBe(3);
    expect(one.body.trades).toHaveLength(2);
    expect(one.body.equity).toHaveLength(100);
    expect(one.body.equity[99]).toEqual([seed.candles['BTC/USDT'][399].ts, 10_000 * 1.1834]);
    const missing = await get('/api/v1/backtests/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/no backtest run with id "nope"/);
  });

  it('describes each source with call counts and the stored series', async () => {
    const res = await get('/api/v1/sources');
    expect(res.body.total).toBe(3);
    const binance = res.body.items.find((s: { name: string }) => s.name === 'binance');
    expect(binance).toMatchObject({ calls_24h: 2, errors_24h: 0, weight_24h: 4, last_success: seed.now - 9 * 60_000 });
    const fred = res.body.items.find((s: { name: string }) => s.name === 'fred');
    expect(fred).toMatchObject({ configured: false, has_api_key: false });
    expect(res.body.series).toEqual(
      expect.arrayContaining([expect.objectContaining({ symbol: 'BTC/USDT', timeframe: '1h', count: 400, last: seed.now - HOUR_MS - 5 * 60_000 })]),
    );
    expect(res.body.macro[0]).toMatchObject({ series: 'VIXCLS', count: 120 });
  });

  it('serves the OpenAPI document with every route and the dashboard page', async () => {
    const doc = await get('/docs/json');
    expect(doc.status).toBe(200);
    for (const p of ['/health', '/metrics', '/api/v1/candles', '/api/v1/macro', '/api/v1/signals', '/api/v1/alerts', '/api/v1/portfolio', '/api/v1/positions', '/api/v1/trades', '/api/v1/backtests', '/api/v1/backtests/{id}', '/api/v1/sources', '/api/v1/collect']) {
      expect(doc.body.paths, p).toHaveProperty([p]);
    }
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    const charts = await app.inject({ method: 'GET', url: '/dashboard/lightweight-charts.js' });
    expect(charts.statusCode).toBe(200);
    expect(charts.body).toContain('createChart');
    expect((await get('/api/v1/nothing')).status).toBe(404);
  });
});
