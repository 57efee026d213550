/**
 * API calls the default schedule spends, counted by the scheduler on a virtual clock with a runner that answers
 * every item in one request (so the figures are the schedule's own, before any HTTP retry):
 * - four weeks of November 2024 (Veterans Day and Thanksgiving inside) against the original's claimed 393 a day;
 * - the catch-up after 12 hours of downtime against replaying every missed tick.
 */
import { buildConfig } from '../src/config/index.js';
import { VirtualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { DAY_MS, HOUR_MS } from '../src/core/time.js';
import { scheduleItems, timingOf } from '../src/scheduler/items.js';
import { type ItemRunner, Scheduler } from '../src/scheduler/scheduler.js';
import type { SchedulerItemState } from '../src/storage/repos/ops.js';
import type { BenchResult } from './harness.js';

const ORIGINAL_PER_DAY = 2 * 96 + 8 * 24 + 9;

function memoryState() {
  const rows = new Map<string, SchedulerItemState>();
  return {
    getSchedulerState: async (item: string) => rows.get(item),
    putSchedulerState: async (s: SchedulerItemState) => void rows.set(s.item, { ...s }),
  };
}

const oneCallRunner: ItemRunner = async (item, range, ctx) => {
  ctx.countCalls(item.source === 'local' ? 0 : 1);
  return { stored: 1, until: range.to };
};

async function callsBetween(state: ReturnType<typeof memoryState>, clock: VirtualClock, from: number, to: number): Promise<number> {
  const config = buildConfig({});
  clock.set(from);
  const s = new Scheduler({ items: scheduleItems(config), runner: oneCallRunner, state, clock, log: silentLogger, timing: timingOf(config), dailyBudget: 1e9 });
  await s.load();
  const lanes = s.start();
  await clock.runUntil(to);
  await s.stop();
  await lanes;
  return Object.values(s.budget.totals()).reduce((a, b) => a + b, 0);
}

export default async function bench(): Promise<BenchResult[]> {
  const warm = Date.parse('2024-11-03T23:00:00Z');
  const start = Date.parse('2024-11-04T00:00:00Z'); // a Monday
  const days = 28;
  const state = memoryState();
  const clock = new VirtualClock(warm);
  await callsBetween(state, clock, warm, start); // the first runs fill an empty store; not a day of the schedule
  const month = await callsBetween(state, clock, start, start + days * DAY_MS);
  // 12 hours down, then back: what the first minute after the restart spends
  const back = start + days * DAY_MS + 12 * HOUR_MS;
  const catchUp = await callsBetween(state, clock, back, back + 60_000);
  const replay = 2 * (12 * 4) + 8 * 12;
  return [
    { name: 'scheduler: API calls per day, Nov 2024 (4 weeks)', figure: month / days, unit: 'calls/day', baselineName: 'original schedule', baseline: ORIGINAL_PER_DAY, ratio: month / days / ORIGINAL_PER_DAY, lowerIsBetter: true, target: '<= 393' },
    { name: 'scheduler: catch-up calls after 12 h down', figure: catchUp, unit: 'calls', baselineName: 'one per missed tick', baseline: replay, ratio: catchUp / replay, lowerIsBetter: true },
  ];
}
