import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { VirtualClock } from '../core/clock.js';
import { silentLogger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { TIMEFRAMES } from '../core/time.js';
import type { SchedulerItemState } from '../storage/repos/ops.js';
import { type ScheduleItem, scheduleItems, timingOf } from './items.js';
import { type ItemRunner, Scheduler, type SchedulerStateStore } from './scheduler.js';
import type { RunRange } from './timing.js';

const t = (s: string) => Date.parse(s);
const HOUR = 3_600_000;

class MemoryState implements SchedulerStateStore {
  readonly rows = new Map<string, SchedulerItemState>();
  async getSchedulerState(item: string) {
    const r = this.rows.get(item);
    return r ? { ...r } : undefined;
  }
  async putSchedulerState(s: SchedulerItemState) {
    this.rows.set(s.item, { ...s });
  }
}

/** A runner over a perfect source: every range is delivered in one call; each run is logged. */
function recordingRunner(fail?: (item: ScheduleItem, attempt: number) => boolean) {
  const runs: { item: string; range: RunRange; at: number }[] = [];
  const attempts = new Map<string, number>();
  let clock: VirtualClock;
  const runner: ItemRunner = async (item, range, ctx) => {
    const n = (attempts.get(item.id) ?? 0) + 1;
    attempts.set(item.id, n);
    runs.push({ item: item.id, range, at: clock.now() });
    ctx.countCalls(item.source === 'local' ? 0 : 1);
    if (fail?.(item, n)) throw new Error(`${item.id} is down`);
    const stored = item.kind === 'candles' ? (range.to - range.from) / TIMEFRAMES[item.timeframe] : 1;
    return { stored, until: range.to };
  };
  return { runs, runner, setClock: (c: VirtualClock) => (clock = c) };
}

function makeScheduler(clock: VirtualClock, state: MemoryState, runner: ItemRunner, items = scheduleItems(buildConfig({}))) {
  const config = buildConfig({});
  return new Scheduler({ items, runner, state, clock, log: silentLogger, timing: timingOf(config), dailyBudget: config.tiers.dailyBudget });
}

/** Loads a scheduler, runs it on the virtual clock until `until`, stops it. */
async function runUntil(clock: VirtualClock, state: MemoryState, runner: ItemRunner, until: number, items?: ScheduleItem[]) {
  const s = makeScheduler(clock, state, runner, items);
  await s.load();
  const done = s.start();
  await clock.runUntil(until);
  await s.stop();
  await done;
  return s;
}

describe('Scheduler on a virtual clock', () => {
  it('runs a day of the default schedule: each item once per slot, FRED only when due', async () => {
    const start = t('2024-03-06T00:00:00Z'); // a Wednesday
    const clock = new VirtualClock(start);
    const rec = recordingRunner();
    rec.setClock(clock);
    const state = new MemoryState();
    const s = await runUntil(clock, state, rec.runner, start + 24 * HOUR - 1);
    const count = (id: string) => rec.runs.filter((r) => r.item === id).length;
    expect(count('candles:binance:BTC/USDT:15m')).toBe(96); // 24 h / 15 min
    expect(count('candles:binance:SOL/USDT:1h')).toBe(24);
    // the start-up run at 00:00 fetches through Monday (Monday's value came with Tuesday's release); Wednesday's
    // 21:00 release brings Tuesday's; the weekly H.10 series have nothing new until next Monday
    expect(count('macro:fred:VIXCLS')).toBe(2);
    expect(count('macro:fred:DTWEXBGS')).toBe(1);
    // the start-up run generates for the last settled hour (23:00 the day before), then one per hour
    expect(count('signals')).toBe(25);
    expect(s.budget.totals()).toEqual({ binance: 2 * 96 + 8 * 24, fred: 9 + 7 });
    // the same figures in /metrics: today's calls per source, and BTC's data age after its last run (23:45:10)
    const budget = (await metrics.budgetCalls.get()).values.map((v) => [v.labels.source, v.value]);
    expect(Object.fromEntries(budget)).toEqual({ binance: 384, fred: 16 });
    const age = (await metrics.dataFreshness.get()).values.find((v) => v.labels.item === 'candles:binance:BTC/USDT:15m');
    expect(age?.value).toBe(10);
    // no range is asked twice or skipped: consecutive BTC ranges touch
    const btc = rec.runs.filter((r) => r.item === 'candles:binance:BTC/USDT:15m').map((r) => r.range);
    for (let i = 1; i < btc.length; i++) expect(btc[i].from).toBe(btc[i - 1].to);
    expect(s.health().every((h) => h.status === 'ok')).toBe(true);
    expect(state.rows.get('candles:binance:BTC/USDT:15m')?.dataUntil).toBe(start + 24 * HOUR - 15 * 60_000);
  });

  it('after downtime catches up with one run per item over the whole missed range', async () => {
    const start = t('2024-03-06T00:00:00Z');
    const clock = new VirtualClock(start);
    const rec = recordingRunner();
    rec.setClock(clock);
    const state = new MemoryState();
    await runUntil(clock, state, rec.runner, start + 6 * HOUR + 30_000);
    // 12 hours with no process
    clock.set(start + 18 * HOUR + 20_000);
    const before = rec.runs.length;
    await runUntil(clock, state, rec.runner, start + 18 * HOUR + 60_000);
    const catchUp = rec.runs.slice(before);
    expect(catchUp.filter((r) => r.item === 'candles:binance:BTC/USDT:15m').map((r) => r.range)).toEqual([{ from: start + 6 * HOUR, to: start + 18 * HOUR }]);
    expect(catchUp.filter((r) => r.item === 'signals').map((r) => r.range.to)).toEqual([start + 18 * HOUR - HOUR]);
    expect(catchUp.filter((r) => r.item.startsWith('macro:'))).toEqual([]);
  });

  it('a task that failed 100 times in a row still runs after its backoff, and recovers', async () => {
    const start = t('2024-03-06T00:00:00Z');
    const clock = new VirtualClock(start);
    const rec = recordingRunner((_item, attempt) => attempt <= 100);
    rec.setClock(clock);
    const state = new MemoryState();
    const items = scheduleItems(buildConfig({})).filter((i) => i.id === 'candles:binance:SOL/USDT:1h');
    const s = await runUntil(clock, state, rec.runner, start + 200 * HOUR, items);
    const at = rec.runs.map((r) => r.at);
    // backoff 30 s doubling to the 1 h cap: attempts 2..8 after 30 s, 1, 2, 4, 8, 16, 32 min, then hourly
    expect(at[1] - at[0]).toBe(30_000);
    expect(at[7] - at[6]).toBe(32 * 60_000);
    expect(at[100] - at[99]).toBe(HOUR);
    // the 101st attempt succeeded and caught up the whole outage in one range
    expect(rec.runs[100].range.from).toBe(start - 10 * 24 * HOUR); // initialLookback 10d
    expect(s.health()[0]).toMatchObject({ status: 'ok', failures: 0 });
    expect(rec.runs.length).toBeGreaterThan(101);
  });

  it('shows a failing item as unhealthy with its failures and error, and keeps its pending backoff across a restart', async () => {
    const start = t('2024-03-06T00:00:00Z');
    const clock = new VirtualClock(start);
    const rec = recordingRunner(() => true);
    rec.setClock(clock);
    const state = new MemoryState();
    const items = scheduleItems(buildConfig({})).filter((i) => i.id === 'candles:binance:SOL/USDT:1h');
    const s = await runUntil(clock, state, rec.runner, start + 10 * 60_000, items);
    const h = s.health()[0];
    expect(h).toMatchObject({ status: 'unhealthy', failures: 5, lastError: 'candles:binance:SOL/USDT:1h is down' });
    const again = makeScheduler(clock, state, rec.runner, items);
    await again.load();
    expect(again.state('candles:binance:SOL/USDT:1h')?.nextRun).toBe(h.nextRun);
    expect(h.nextRun).toBeGreaterThan(clock.now());
  });
});
