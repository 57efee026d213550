/**
 * The two BullMQ queues of SPEC §13 and how jobs are put on them: `mts-collect` (one job per scheduled item and
 * slot) and `mts-backtest` (a batch of a sweep's parameter sets). Job ids are derived from what the job is, so
 * scheduling the same slot twice (a restarted scheduler, two schedulers) makes one job, never two.
 */
import { type JobsOptions, Queue, QueueEvents, type QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunRange } from '../scheduler/timing.js';
import type { ScheduleItem } from '../scheduler/items.js';
import type { RedisSettings } from './redis.js';

export const COLLECT_QUEUE = 'mts-collect';
export const BACKTEST_QUEUE = 'mts-backtest';

/** A collection job: one item over the range its slot wants. */
export interface CollectJobData {
  item: Exclude<ScheduleItem, { kind: 'signals' }>;
  range: RunRange;
}

export interface CollectJobResult {
  stored: number;
  until: number | null;
  calls: number;
}

/** A backtest job: parameter sets of one sweep, whose data waits under the sweep's key. */
export interface BacktestJobData {
  sweep: string;
  tasks: { id: number; params: Record<string, unknown>; from?: number; to?: number }[];
}

export function queueOptions(s: RedisSettings, connection: Redis): QueueOptions {
  return { connection, prefix: s.prefix };
}

/** Retried with exponential backoff; finished jobs are kept a day so a repeated slot finds its result. */
export function jobOptions(s: RedisSettings, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: s.attempts,
    backoff: { type: 'exponential', delay: s.backoffBaseMs },
    removeOnComplete: { age: 86_400 },
    removeOnFail: { age: 7 * 86_400 },
  };
}

/** `candles:binance:BTC/USDT:15m` due up to 12:00 → `candles|binance|BTC/USDT|15m@<ms>` (BullMQ ids take no colon). */
export function collectJobId(item: ScheduleItem, range: RunRange): string {
  return `${item.id.replaceAll(':', '|')}@${range.to}`;
}

/** A queue and its events stream (what waiting on a job's result needs). */
export interface QueueHandle<T> {
  queue: Queue<T>;
  events: QueueEvents;
  close(): Promise<void>;
}

export async function openQueue<T>(name: string, s: RedisSettings, connection: Redis, blocking: Redis): Promise<QueueHandle<T>> {
  const queue = new Queue<T>(name, queueOptions(s, connection));
  const events = new QueueEvents(name, { connection: blocking, prefix: s.prefix });
  // Every job waited on adds a listener until it finishes; a sweep waits on many at once.
  events.setMaxListeners(10_000);
  queue.setMaxListeners(10_000);
  await events.waitUntilReady();
  return {
    queue,
    events,
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
