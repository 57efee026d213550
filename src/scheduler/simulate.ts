/**
 * `mts run --simulate`: the real pipeline (sources, validation, storage, scheduler) on a VirtualClock, against
 * whatever sources are configured (the fake servers in tests). Virtual time moves only when real requests are
 * answered, so a simulated week takes seconds and spends exactly the calls the schedule would.
 *
 * The clock starts a warm-up before `start`: on a fresh database the first run of each item is an initial
 * backfill (and the exchange's market list is loaded once), which is not what a day of the schedule costs. Calls,
 * freshness, signals and alerts are counted from `start` on; the warm-up's calls are reported apart.
 */
import type { Config } from '../config/schema.js';
import type { VirtualClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { Store } from '../storage/store.js';
import { createPipeline } from './pipeline.js';
import { REPORTED_SOURCES, type SimulationReport, simulationReport } from './report.js';
import type { SignalStep } from './runner.js';
import { driveUntil, type FetchFn, SleepCountingClock, trackedFetch } from './virtual-time.js';

export const DEFAULT_WARMUP_MS = HOUR_MS;

export interface SimulationOptions {
  config: Config;
  store: Store;
  log: Logger;
  /** The virtual clock, at the time the warm-up starts (start − warmup) or at `start` when warmupMs is 0. */
  clock: VirtualClock;
  /** Where the measured span starts; default: the clock's time plus the warm-up. */
  start?: number;
  /** Virtual time to run until. */
  until: number;
  fetch?: FetchFn;
  signals?: SignalStep;
}

export async function simulate(o: SimulationOptions): Promise<SimulationReport & { warmupCalls: number }> {
  const start = o.start ?? o.clock.now();
  const tracked = trackedFetch(o.fetch);
  const sourceClock = new SleepCountingClock(o.clock);
  const pipeline = await createPipeline({ config: o.config, store: o.store, clock: o.clock, sourceClock, log: o.log, fetch: tracked.fetch, signals: o.signals });
  const scheduler = pipeline.scheduler;
  const lanes = scheduler.start();
  // Busy while a request is out, or while a run is neither waiting for an answer nor asleep on the virtual clock.
  const busy = () => tracked.inFlight() > 0 || scheduler.running > sourceClock.sleeping;
  let before: Record<string, number> = {};
  let counted = { ...scheduler.totals };
  try {
    await driveUntil(o.clock, start, { busy });
    before = scheduler.budget.totals();
    counted = { ...scheduler.totals };
    scheduler.freshness.reset();
    await driveUntil(o.clock, o.until, { busy });
    scheduler.sampleFreshness(o.until);
  } finally {
    await scheduler.stop();
    await lanes;
    await pipeline.close();
  }
  const report = await simulationReport(scheduler, o.store, { days: (o.until - start) / DAY_MS, start, end: o.until });
  let warmupCalls = 0;
  for (const s of REPORTED_SOURCES) {
    warmupCalls += before[s] ?? 0;
    report.calls[s] -= before[s] ?? 0;
  }
  report.totalCalls -= warmupCalls;
  report.signals -= counted.signals;
  report.alerts -= counted.alerts;
  report.failures -= counted.failures;
  return { ...report, warmupCalls };
}
