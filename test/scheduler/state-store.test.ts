import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { TIMEFRAMES } from '../../src/core/time.js';
import { scheduleItems, timingOf } from '../../src/scheduler/items.js';
import { storedUntil } from '../../src/scheduler/runner.js';
import { type ItemRunner, Scheduler } from '../../src/scheduler/scheduler.js';
import { driveUntil } from '../../src/scheduler/virtual-time.js';
import { findGaps } from '../../src/storage/gaps.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { dropPgSchema, storeTargets } from '../helpers/env.js';

const HOUR = 3_600_000;
const config = buildConfig({});
const items = scheduleItems(config).filter((i) => i.id === 'candles:binance:BTC/USDT:15m' || i.id === 'candles:binance:SOL/USDT:1h');

/** Stores one flat candle per grid step of the range, as a source with every candle would. */
function storingRunner(store: Store, failing: () => boolean): ItemRunner {
  return async (item, range, ctx) => {
    if (item.kind !== 'candles') throw new Error('candle items only');
    ctx.countCalls(1);
    if (failing()) throw new Error('source down');
    const step = TIMEFRAMES[item.timeframe];
    const candles = [];
    for (let ts = range.from; ts < range.to; ts += step) candles.push({ ts, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    await store.candles.upsert({ source: item.source, symbol: item.symbol, timeframe: item.timeframe }, candles);
    return { stored: candles.length, until: await storedUntil(store, item) };
  };
}

async function runFor(store: Store, clock: VirtualClock, until: number, failing = () => false) {
  const s = new Scheduler({ items, runner: storingRunner(store, failing), state: store.ops, clock, log: silentLogger, timing: timingOf(config), dailyBudget: 393, storedUntil: (i) => storedUntil(store, i) });
  await s.load();
  const lanes = s.start();
  // PostgreSQL answers over a socket: virtual time moves only while no run is under way
  await driveUntil(clock, until, { busy: () => s.running > 0 });
  await s.stop();
  await lanes;
  return s;
}

describe.each(storeTargets())('scheduler state in storage on $name', ({ url }) => {
  const u = url();
  let store: Store;
  afterAll(async () => {
    await store?.close();
    await dropPgSchema(u);
  });

  it('survives a restart: failures and backoff kept, then one catch-up run fills the downtime with no gap', async () => {
    store = await openStore(u);
    const start = Date.parse('2024-03-06T00:00:00Z');
    const clock = new VirtualClock(start);
    await runFor(store, clock, start + 6 * HOUR + 30_000);
    // the source fails from the 06:15:10 slot on: retries after 30 s, 1 min and 2 min also fail, and the process
    // is stopped at 06:20 while the item waits for its next try (06:22:40)
    await runFor(store, clock, start + 6 * HOUR + 20 * 60_000, () => true);
    const failed = await store.ops.getSchedulerState('candles:binance:BTC/USDT:15m');
    expect(failed).toMatchObject({ failures: 4, lastError: 'source down', nextRun: start + 6 * HOUR + 22 * 60_000 + 40_000 });
    // 12 hours later the source is back
    clock.set(start + 18 * HOUR + 20_000);
    const s = await runFor(store, clock, start + 18 * HOUR + 60_000);
    expect(s.health().map((h) => [h.item, h.status])).toEqual(items.map((i) => [i.id, 'ok']));
    for (const item of items) {
      if (item.kind !== 'candles') continue;
      const cols = await store.candles.read({ symbol: item.symbol, timeframe: item.timeframe, source: 'binance' });
      expect(findGaps(cols.ts, TIMEFRAMES[item.timeframe])).toEqual([]);
      expect(cols.ts[cols.length - 1] + TIMEFRAMES[item.timeframe]).toBe(start + 18 * HOUR);
      expect((await store.ops.getSchedulerState(item.id))?.dataUntil).toBe(start + 18 * HOUR);
    }
  });
});
