/**
 * The collection pipeline `mts run` and `mts run --simulate` share: the source clients on the given clock, the
 * scheduled items of config.tiers, the real runner and the scheduler with its state loaded and its budget seeded
 * from the calls already stored for today.
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { utcDay } from '../core/time.js';
import type { FetchLike } from '../sources/http/client.js';
import type { StackDeps } from '../sources/http/stack.js';
import { openSources, type Sources } from '../sources/open.js';
import type { Store } from '../storage/store.js';
import { type CandleItem, scheduleItems, timingOf } from './items.js';
import { collectionRunner, type SignalStep, storedUntil } from './runner.js';
import { type ItemRunner, Scheduler } from './scheduler.js';

export interface PipelineOptions {
  config: Config;
  store: Store;
  clock: Clock;
  /** The clock the sources' limiters, retries and timeouts use (default: clock). */
  sourceClock?: Clock;
  log: Logger;
  fetch?: FetchLike;
  signals?: SignalStep;
  /** See SchedulerOptions.heartbeatMs. */
  heartbeatMs?: number;
  /** Candle items a live stream keeps stored right now (their REST runs are skipped; see runner.ts). */
  coveredByStream?: (item: CandleItem) => boolean;
  /** Wraps the in-process runner (distributed mode hands collection to the queue, keeping the signal step). */
  runner?: (local: ItemRunner) => ItemRunner;
  laneBy?: 'source' | 'item';
  /** The sources' rate limiters (distributed: the buckets in Redis the workers share, so this process's own calls count too). */
  limiter?: StackDeps['limiter'];
}

export interface Pipeline {
  scheduler: Scheduler;
  sources: Sources;
  /** Flushes call records and stops the sources' timers (the scheduler must be stopped first). */
  close(): Promise<void>;
}

export async function createPipeline(o: PipelineOptions): Promise<Pipeline> {
  const { config, store, clock, log } = o;
  const sourceClock = o.sourceClock ?? clock;
  const sources = openSources(config, { clock: sourceClock, log, calls: store.ops, fetch: o.fetch, limiter: o.limiter });
  const macro = sources.fred.hasKey;
  if (!macro) log.warn('no FRED API key (MTS_FRED_API_KEY): the macro tier is left out of the schedule');
  const accounting = sources.clients.accounting;
  const local = collectionRunner({ collect: { config, store, sources, clock: sourceClock, log }, store, log, signals: o.signals, covered: o.coveredByStream });
  const scheduler = new Scheduler({
    items: scheduleItems(config, { macro, signals: o.signals !== undefined }),
    runner: o.runner ? o.runner(local) : local,
    laneBy: o.laneBy,
    state: store.ops,
    clock,
    log,
    timing: timingOf(config),
    dailyBudget: config.tiers.dailyBudget,
    // Distributed, the calls are made by workers: the budget adds what each job reports instead.
    callTotals: o.runner ? undefined : () => ({ binance: accounting.callsMade('binance'), coingecko: accounting.callsMade('coingecko'), fred: accounting.callsMade('fred') }),
    storedUntil: (item) => storedUntil(store, item),
    heartbeatMs: o.heartbeatMs,
  });
  await scheduler.load();
  const spent: Record<string, number> = {};
  for (const s of await store.ops.apiCallStats(utcDay(clock.now()))) spent[s.source] = s.calls;
  scheduler.budget.seed(clock.now(), spent);
  return { scheduler, sources, close: () => sources.close() };
}
