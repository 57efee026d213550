import { afterAll, describe, expect, it } from 'vitest';
import { dropPgSchema, storeTargets } from '../../../test/helpers/env.js';
import { openStore, type Store } from '../store.js';

const meta = { id: 'bt_1', strategy: 'sma_cross', params: { fast: 10, slow: 30 }, symbols: ['BTC/USDT'], timeframe: '1h', from: 0, to: 7_200_000 };
const trade = { symbol: 'BTC/USDT', side: 'LONG', entry_ts: 0, entry_price: 100, exit_ts: 3_600_000, exit_price: 110, quantity: 1, pnl: 9.8, fees: 0.2, exit_reason: 'signal' };

describe.each(storeTargets())('backtest runs on $name', ({ url }) => {
  const u = url();
  let store: Store;
  afterAll(async () => {
    await store?.close();
    await dropPgSchema(u);
  });

  it('a run is finished only with its document, trades and equity; the document comes back byte for byte', async () => {
    store = await openStore(u);
    await store.backtests.start(meta, 1);
    expect((await store.backtests.get('bt_1'))?.status).toBe('running');
    expect(await store.backtests.document('bt_1')).toBeUndefined();
    const doc = '{"id":"bt_1","metrics":{"sharpe":1.25}}';
    await store.backtests.finish('bt_1', { metrics: { sharpe: 1.25 }, document: doc, trades: [trade], equity: [[0, 100], [3_600_000, 109.8]] });
    const row = await store.backtests.get('bt_1');
    expect(row).toMatchObject({ status: 'finished', strategy: 'sma_cross', params: { fast: 10, slow: 30 }, metrics: { sharpe: 1.25 }, from: 0, to: 7_200_000 });
    expect(await store.backtests.document('bt_1')).toBe(doc);
    expect(await store.backtests.trades('bt_1')).toEqual([trade]);
    expect(await store.backtests.equity('bt_1')).toEqual([[0, 100], [3_600_000, 109.8]]);
  });

  it('a failed run keeps its error, shows no document, and cannot later be marked finished', async () => {
    await store.backtests.start({ ...meta, id: 'bt_2' }, 2);
    await store.backtests.fail('bt_2', 'backtest stopped at bar 5 of BTC/USDT: boom');
    expect(await store.backtests.get('bt_2')).toMatchObject({ status: 'failed', error: 'backtest stopped at bar 5 of BTC/USDT: boom', metrics: null });
    expect(await store.backtests.document('bt_2')).toBeUndefined();
    await expect(store.backtests.finish('bt_2', { metrics: {}, document: '{}', trades: [trade], equity: [[0, 1]] })).rejects.toThrow(/not running/);
    expect(await store.backtests.trades('bt_2')).toEqual([]);
    expect((await store.backtests.list({ status: 'finished' })).map((r) => r.id)).toEqual(['bt_1']);
  });

  it('running the same inputs again replaces the earlier run', async () => {
    await store.backtests.start(meta, 3);
    expect(await store.backtests.get('bt_1')).toMatchObject({ status: 'running', createdAt: 3 });
    expect(await store.backtests.trades('bt_1')).toEqual([]);
  });
});
