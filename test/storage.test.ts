import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candle } from '../src/core/types.js';
import { openStore, type Store } from '../src/storage/store.js';
import { dropPgSchema, storeTargets } from './helpers/env.js';

const H = 3_600_000;
const candle = (i: number, base = 100): Candle => ({ ts: i * H, open: base + i, high: base + i + 2, low: base + i - 1, close: base + i + 1, volume: 10 + i });

describe.each(storeTargets())('Store on $name', ({ url }) => {
  const opened: { store: Store; url: string }[] = [];
  const open = async () => {
    const u = url();
    const store = await openStore(u);
    opened.push({ store, url: u });
    return store;
  };
  afterAll(async () => {
    for (const o of opened) {
      await o.store.close();
      await dropPgSchema(o.url);
    }
  });

  it('upserts candles idempotently, keyed by (source, symbol, timeframe, ts)', async () => {
    const s = await open();
    const key = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    await s.candles.upsert(key, [candle(0), candle(1), candle(2)]);
    await s.candles.upsert(key, [candle(1), candle(2), candle(3)]);
    expect(await s.candles.count(key)).toBe(4);
    // a corrected candle replaces the stored one
    await s.candles.upsert(key, [{ ...candle(2), close: 999 }]);
    const cols = await s.candles.read({ symbol: 'BTC/USDT', timeframe: '1h' });
    expect(Array.from(cols.ts)).toEqual([0, H, 2 * H, 3 * H]);
    expect(cols.close[2]).toBe(999);
    // other keys are separate series
    await s.candles.upsert({ ...key, timeframe: '1d' }, [candle(0)]);
    expect(await s.candles.count(key)).toBe(4);
    expect((await s.candles.series()).map((x) => `${x.symbol} ${x.timeframe} ${x.count}`)).toEqual(['BTC/USDT 1d 1', 'BTC/USDT 1h 4']);
  });

  it('reads ranges and the latest N, oldest first', async () => {
    const s = await open();
    const key = { source: 'binance', symbol: 'ETH/USDT', timeframe: '1h' as const };
    await s.candles.upsert(
      key,
      Array.from({ length: 50 }, (_, i) => candle(i)),
    );
    const range = await s.candles.read({ symbol: 'ETH/USDT', timeframe: '1h', from: 10 * H, to: 14 * H });
    expect(Array.from(range.ts)).toEqual([10, 11, 12, 13, 14].map((i) => i * H));
    const last = await s.candles.read({ symbol: 'ETH/USDT', timeframe: '1h', limit: 3 });
    expect(Array.from(last.ts)).toEqual([47, 48, 49].map((i) => i * H));
    const latest = await s.candles.latest('ETH/USDT');
    expect(latest?.ts).toBe(49 * H);
    expect(latest?.close).toBe(150);
  });

  it('merges sources, preferring binance over coingecko for the same candle', async () => {
    const s = await open();
    await s.candles.upsert({ source: 'coingecko', symbol: 'SOL/USDT', timeframe: '1h' }, [candle(0, 50), candle(1, 50), candle(2, 50)]);
    await s.candles.upsert({ source: 'binance', symbol: 'SOL/USDT', timeframe: '1h' }, [candle(1, 60), candle(3, 60)]);
    const merged = await s.candles.read({ symbol: 'SOL/USDT', timeframe: '1h' });
    expect(Array.from(merged.ts)).toEqual([0, H, 2 * H, 3 * H]);
    expect(Array.from(merged.close)).toEqual([51, 62, 53, 64]);
    const only = await s.candles.read({ symbol: 'SOL/USDT', timeframe: '1h', source: 'coingecko' });
    expect(only.length).toBe(3);
  });

  it('upserts batches of any size (the bulk statements and their tails) as row-by-row upserts would: last write wins', async () => {
    const s = await open();
    let run = 0;
    // Batches of distinct hours (0..299), overlapping one another, with sizes around the bulk statement sizes.
    const batch = fc.uniqueArray(fc.integer({ min: 0, max: 299 }), { minLength: 1, maxLength: 260 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(batch, fc.integer({ min: 1, max: 1000 })), { minLength: 1, maxLength: 4 }), async (batches) => {
        const key = { source: 'binance', symbol: `P${run++}/USDT`, timeframe: '1h' as const };
        const model = new Map<number, Candle>();
        for (const [hours, base] of batches) {
          const rows = hours.map((h) => candle(h, base));
          await s.candles.upsert(key, rows);
          for (const r of rows) model.set(r.ts, r);
        }
        const want = [...model.values()].sort((a, b) => a.ts - b.ts);
        const got = await s.candles.read({ symbol: key.symbol, timeframe: '1h', source: 'binance' });
        expect(Array.from(got.ts)).toEqual(want.map((c) => c.ts));
        expect(Array.from(got.open)).toEqual(want.map((c) => c.open));
        expect(Array.from(got.close)).toEqual(want.map((c) => c.close));
        expect(Array.from(got.volume)).toEqual(want.map((c) => c.volume));
      }),
      { numRuns: 25 },
    );
  });

  it('stores macro observations with missing values and upserts by (series, date)', async () => {
    const s = await open();
    const D = 86_400_000;
    await s.macro.upsert([
      { series: 'VIXCLS', date: 0, value: 20.5 },
      { series: 'VIXCLS', date: D, value: null },
      { series: 'DGS10', date: 0, value: 4.1 },
    ]);
    await s.macro.upsert([{ series: 'VIXCLS', date: D, value: 22 }]);
    expect(await s.macro.read('VIXCLS')).toEqual([
      { series: 'VIXCLS', date: 0, value: 20.5 },
      { series: 'VIXCLS', date: D, value: 22 },
    ]);
    expect((await s.macro.series()).map((x) => [x.series, x.count])).toEqual([
      ['DGS10', 1],
      ['VIXCLS', 2],
    ]);
  });

  it('rolls a transaction back as a whole and commits it as a whole', async () => {
    const s = await open();
    const key = { source: 'binance', symbol: 'DOT/USDT', timeframe: '1h' as const };
    await expect(
      s.transaction(async (tx) => {
        await tx.candles.upsert(key, [candle(0)]);
        await tx.ops.setKv('x', 1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.candles.count(key)).toBe(0);
    expect(await s.ops.getKv('x')).toBeUndefined();
    await s.transaction(async (tx) => {
      await tx.candles.upsert(key, [candle(0), candle(1)]);
      await tx.ops.setKv('x', { done: true });
    });
    expect(await s.candles.count(key)).toBe(2);
    expect(await s.ops.getKv('x')).toEqual({ done: true });
  });

  it('keeps signals, alerts and deliveries, with paging and filters', async () => {
    const s = await open();
    const sig = (i: number, strategy: string) => ({
      ts: i * H,
      strategy,
      symbol: i % 2 ? 'BTC/USDT' : 'ETH/USDT',
      side: 'LONG' as const,
      confidence: 0.7,
      strength: 'MODERATE' as const,
      price: 100 + i,
      size: 0.02,
      stopLoss: 95,
      takeProfit: null,
      meta: { i },
    });
    await s.signals.insertSignals([sig(1, 'a'), sig(2, 'a'), sig(3, 'b'), sig(4, 'b')]);
    await s.signals.insertSignals([sig(4, 'b')]); // idempotent
    const page = await s.signals.listSignals({ limit: 2, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.items.map((x) => x.ts)).toEqual([4 * H, 3 * H]);
    expect((await s.signals.listSignals({ strategy: 'a' })).items.map((x) => x.meta)).toEqual([{ i: 2 }, { i: 1 }]);
    expect((await s.signals.listSignals({ symbol: 'BTC/USDT' })).total).toBe(2);

    const alert = { id: 'a1', ts: H, symbol: 'BTC/USDT', asset: 'bitcoin', alert_type: 'trading_signal', signal_type: 'LONG', confidence: 0.8, strategy_name: 'aggregate', file: null, body: { x: 1 } };
    expect(await s.signals.insertAlert(alert)).toBe(true);
    expect(await s.signals.insertAlert(alert)).toBe(false);
    expect((await s.signals.listAlerts()).items[0].body).toEqual({ x: 1 });
    await s.signals.recordDelivery({ alertId: 'a1', channel: 'discord', target: 'discord#1', status: 'failed', attempts: 1, lastError: '503', ts: H });
    await s.signals.recordDelivery({ alertId: 'a1', channel: 'discord', target: 'discord#1', status: 'sent', attempts: 2, ts: 2 * H });
    expect(await s.signals.listDeliveries('a1')).toEqual([{ alertId: 'a1', channel: 'discord', target: 'discord#1', status: 'sent', attempts: 2, lastError: null, ts: 2 * H }]);
  });

  it('accounts API calls per source and keeps scheduler state', async () => {
    const s = await open();
    await s.ops.recordApiCalls([
      { ts: 1, source: 'binance', endpoint: '/api/v3/klines', status: 200, latencyMs: 10, weight: 2 },
      { ts: 2, source: 'binance', endpoint: '/api/v3/klines', status: 429, latencyMs: 5, weight: 2 },
      { ts: 3, source: 'fred', endpoint: '/series/observations', status: 0, latencyMs: 100, error: 'timeout' },
    ]);
    expect(await s.ops.apiCallStats()).toEqual([
      { source: 'binance', calls: 2, errors: 1, weight: 4, avgLatencyMs: 7.5 },
      { source: 'fred', calls: 1, errors: 1, weight: 1, avgLatencyMs: 100 },
    ]);
    const st = { item: 'candles:BTC/USDT:15m', lastRun: 5, lastSuccess: 4, lastError: null, failures: 0, nextRun: 10, dataUntil: 3 };
    await s.ops.putSchedulerState(st);
    await s.ops.putSchedulerState({ ...st, failures: 2, lastError: 'HTTP 503' });
    expect(await s.ops.getSchedulerState(st.item)).toEqual({ ...st, failures: 2, lastError: 'HTTP 503' });
    expect(await s.ops.listSchedulerState()).toHaveLength(1);
  });

  it('applies migrations once', async () => {
    const s = await open();
    expect(await s.migrate()).toEqual([]);
  });
});
