/**
 * A `mts worker` process: takes jobs from `mts-collect` (collection, through the shared per-source rate limits)
 * and `mts-backtest` (sweep batches), any number of them on any machine. Its lock on a job is renewed while it
 * works; if the process dies the lock expires and another worker takes the job over (stalled-job check every
 * lockDuration). Closing lets jobs in hand finish.
 */
import { Worker } from 'bullmq';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { openSources } from '../sources/open.js';
import { LatestCache } from '../storage/cache.js';
import type { Store } from '../storage/store.js';
import { collectProcessor } from './collect-jobs.js';
import { BACKTEST_QUEUE, COLLECT_QUEUE } from './queues.js';
import { sharedLimiters } from './rate-limit.js';
import { connectRedis, type RedisSettings } from './redis.js';
import { backtestProcessor } from './sweep.js';

export interface WorkerOptions {
  config: Config;
  settings: RedisSettings;
  store: Store;
  clock: Clock;
  log: Logger;
  queues?: ('collect' | 'backtest')[];
}

export interface RunningWorker {
  /** Stops taking jobs, lets those in hand finish, closes connections and sources. */
  close(): Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const { config, settings: s, store, clock, log } = o;
  const queues = o.queues ?? ['collect', 'backtest'];
  const redis = connectRedis(s.url, 'worker', log);
  const cache = new LatestCache(redis, s.prefix, s.cacheTtlMs);
  const sources = openSources(config, { clock, log, calls: store.ops, limiter: sharedLimiters(redis, s.prefix, clock) });
  const stopping = new AbortController();
  const workers: Worker[] = [];
  const conns = [redis];
  const blocking = (role: string) => {
    const c = connectRedis(s.url, role, log, { blocking: true });
    conns.push(c);
    return c;
  };
  const common = { prefix: s.prefix, lockDuration: s.lockDurationMs, stalledInterval: s.lockDurationMs, maxStalledCount: s.attempts };
  if (queues.includes('collect')) {
    const run = collectProcessor({ collect: { config, store, sources, clock, log }, store, log }, cache);
    workers.push(new Worker(COLLECT_QUEUE, (job) => run(job, stopping.signal), { ...common, connection: blocking('worker-collect'), concurrency: s.concurrency }));
  }
  if (queues.includes('backtest')) {
    // Backtests are CPU-bound: one at a time per process (run more processes for more cores).
    workers.push(new Worker(BACKTEST_QUEUE, backtestProcessor(redis, s), { ...common, connection: blocking('worker-backtest'), concurrency: 1 }));
  }
  for (const w of workers) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, job: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed; retried with backoff while attempts remain'));
    w.on('error', (err) => log.warn({ queue: w.name, err: err.message }, 'worker error'));
    w.on('active', (job) => log.info({ queue: w.name, job: job.id }, 'job started'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  log.info({ queues, concurrency: s.concurrency, prefix: s.prefix, db: store.description }, 'mts worker: taking jobs');
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      stopping.abort(new Error('worker stopping'));
      await sources.close();
      await Promise.all(conns.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
