import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger, silentLogger } from '../core/log.js';
import { HOUR_MS, MINUTE_MS } from '../core/time.js';
import { alertOf, paperFixture, T0 } from '../../test/helpers/paper.js';
import { dropPgSchema, storeTargets } from '../../test/helpers/env.js';
import type { Store } from '../storage/store.js';
import { PaperEngine } from './engine.js';
import { intentFromAlert, type PaperIntent } from './intent.js';

const ASSETS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];

function intentOf(...args: Parameters<typeof alertOf>): PaperIntent {
  const r = intentFromAlert(alertOf(...args), ASSETS);
  if (!r.ok) throw new Error(r.reason);
  return r.intent;
}

describe.each(storeTargets())('paper engine on $name', ({ url }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  const fixture = async (...a: Parameters<typeof paperFixture> extends [string, ...infer R] ? R : never) => {
    const u = url();
    urls.push(u);
    const f = await paperFixture(u, ...a);
    stores.push(f.store);
    return f;
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });

  it('fills a LONG alert at the latest stored close with the backtest slippage, fee and quantity rules', async () => {
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 });
    const now = clock.now();
    const out = await engine.applyAlert(intentOf('LONG', now - 1000), 'a.json');
    expect(out.status).toBe('applied');
    // Hand calculation, SPEC §10: buy at close × (1 + 5 bps); quantity = size × equity / (price × (1 + 10 bps)).
    const price = 100 * 1.0005;
    const qty = (0.05 * 10_000) / (price * 1.001);
    const fee = price * qty * 0.001;
    const fills = await store.paper.fills();
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ symbol: 'BTC/USDT', side: 'BUY', reason: 'entry', ts: now });
    expect(fills[0].price).toBeCloseTo(price, 9);
    expect(fills[0].quantity).toBeCloseTo(qty, 9);
    expect(fills[0].fee).toBeCloseTo(fee, 9);
    const account = await store.paper.account();
    expect(account?.cash).toBeCloseTo(10_000 - price * qty - fee, 6);
    const [pos] = await store.paper.positions();
    expect(pos).toMatchObject({ symbol: 'BTC/USDT', side: 'LONG', stopLoss: 95, takeProfit: 110 });
    expect((await store.paper.alertCounts()).applied).toBe(1);
  });

  it('applies an alert id once: a duplicate is skipped with a logged reason and changes nothing', async () => {
    const mem = memoryLogger({ level: 'info' });
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 }, {}, mem.logger);
    const intent = intentOf('LONG', clock.now());
    expect((await engine.applyAlert(intent)).status).toBe('applied');
    const cash = (await store.paper.account())?.cash;
    const again = await engine.applyAlert(intent);
    expect(again.status).toBe('duplicate');
    expect(again.reason).toContain(intent.id);
    expect((await store.paper.account())?.cash).toBe(cash);
    expect(await store.paper.fills()).toHaveLength(1);
    expect(mem.lines.some((l) => l.includes('already consumed') && l.includes(intent.id))).toBe(true);
  });

  it('skips an alert older than max age against the engine clock, with the reason logged and recorded', async () => {
    const mem = memoryLogger({ level: 'info' });
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 }, {}, mem.logger);
    const old = intentOf('LONG', clock.now() - 6 * MINUTE_MS);
    const out = await engine.applyAlert(old);
    expect(out.status).toBe('skipped');
    expect(out.reason).toMatch(/360 s old, older than the maximum age of 300 s/);
    expect(await store.paper.fills()).toHaveLength(0);
    expect((await store.paper.alert(old.id))?.status).toBe('skipped');
    expect(mem.lines.some((l) => l.includes('older than the maximum age'))).toBe(true);
    // 4 minutes old is within the default 5 minutes.
    expect((await engine.applyAlert(intentOf('LONG', clock.now() - 4 * MINUTE_MS))).status).toBe('applied');
  });

  it('refuses an alert for an asset with no price instead of inventing one', async () => {
    const mem = memoryLogger({ level: 'info' });
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 }, {}, mem.logger);
    const out = await engine.applyAlert(intentOf('LONG', clock.now(), { symbol: 'SOL/USDT', price: 100, stopLoss: 95, takeProfit: 110 }));
    expect(out.status).toBe('rejected');
    expect(out.reason).toBe('no price for SOL/USDT: no stored candle and no tick');
    expect(await store.paper.fills()).toHaveLength(0);
    expect((await store.paper.account())?.cash).toBe(10_000);
    expect(mem.lines.some((l) => l.includes('no price for SOL/USDT'))).toBe(true);
  });

  it('fires the stop on a price update and books the trade with the stop-loss arithmetic', async () => {
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 });
    await engine.applyAlert(intentOf('LONG', clock.now()));
    const entry = 100 * 1.0005;
    const qty = (0.05 * 10_000) / (entry * 1.001);
    expect(await engine.onPrice('BTC/USDT', 96, clock.now() + 1000)).toBeNull();
    const hit = await engine.onPrice('BTC/USDT', 94, clock.now() + 2000);
    expect(hit?.trades).toHaveLength(1);
    // The price is already through the stop: it fills at that price, a market sell (slippage applies).
    const exit = 94 * (1 - 0.0005);
    const pnl = (exit - entry) * qty - entry * qty * 0.001 - exit * qty * 0.001;
    const [trade] = await store.paper.trades();
    expect(trade).toMatchObject({ symbol: 'BTC/USDT', side: 'LONG', exitReason: 'stop_loss' });
    expect(trade.exitPrice).toBeCloseTo(exit, 9);
    expect(trade.pnl).toBeCloseTo(pnl, 6);
    expect(await store.paper.positions()).toHaveLength(0);
    expect((await store.paper.account())?.cash).toBeCloseTo(10_000 + pnl, 6);
  });

  it('checks held positions against newly stored candles: a bar whose high reaches the target takes profit there', async () => {
    const { engine, store, clock } = await fixture({ 'BTC/USDT': 100 });
    await engine.applyAlert(intentOf('LONG', clock.now()));
    const barTs = T0 + 49 * HOUR_MS;
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, [{ ts: barTs, open: 101, high: 111, low: 100, close: 108, volume: 1 }]);
    clock.set(barTs + HOUR_MS + 1);
    expect(await engine.checkStoredCandles()).toBe(1);
    const [trade] = await store.paper.trades();
    expect(trade).toMatchObject({ exitReason: 'take_profit', exitPrice: 110, exitTs: barTs });
    // Checked once: a second pass finds nothing new.
    expect(await engine.checkStoredCandles()).toBe(0);
  });

  it('closes on a CLOSE alert and survives a restart with the same book', async () => {
    const { engine, store, clock, config } = await fixture({ 'BTC/USDT': 100, 'ETH/USDT': 50 });
    await engine.applyAlert(intentOf('LONG', clock.now()));
    await engine.applyAlert(intentOf('SHORT', clock.now(), { symbol: 'ETH/USDT', price: 50, stopLoss: 53, takeProfit: 45 }));
    const reopened = await PaperEngine.open({ store, config, clock, log: silentLogger });
    expect(reopened.current.state()).toEqual(engine.current.state());
    const out = await reopened.applyAlert(intentOf('CLOSE', clock.now()));
    expect(out.status).toBe('applied');
    expect(out.changes?.trades[0]).toMatchObject({ symbol: 'BTC/USDT', exitReason: 'signal' });
    expect((await store.paper.positions()).map((p) => p.symbol)).toEqual(['ETH/USDT']);
    // A CLOSE while flat is skipped, not an error.
    expect((await reopened.applyAlert(intentOf('CLOSE', clock.now()))).status).toBe('skipped');
  });
});
