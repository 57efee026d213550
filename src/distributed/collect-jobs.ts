/**
 * Collection through `mts-collect`. The scheduler keeps its slots, state and backoff (src/scheduler) and only its
 * runner changes: a due item becomes a job with an id fixed by item and slot, and the run's outcome is the job's
 * result, computed by whichever `mts worker` took it. A worker that dies mid-job loses its lock; BullMQ hands the
 * job to another after the lock expires, and the writes it repeats are idempotent upserts.
 */
import type { Job } from 'bullmq';
import type { Logger } from '../core/log.js';
import type { ItemRunner, RunOutcome } from '../scheduler/scheduler.js';
import { collectionRunner, type RunnerDeps } from '../scheduler/runner.js';
import type { LatestCache } from '../storage/cache.js';
import { TIMEFRAMES } from '../core/time.js';
import { type CollectJobData, type CollectJobResult, collectJobId, jobOptions, type QueueHandle } from './queues.js';
import type { RedisSettings } from './redis.js';

/** Settles with the work, or rejects when the signal fires first. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The scheduler's runner in distributed mode: candles and macro items go to the queue and their result is
 * awaited; the signal step (`local`) runs here, where the alerts are written and published.
 */
export function queueRunner(q: QueueHandle<CollectJobData>, s: RedisSettings, local: ItemRunner, log: Logger): ItemRunner {
  return async (item, range, ctx) => {
    if (item.kind === 'signals') return local(item, range, ctx);
    const id = collectJobId(item, range);
    let job = await q.queue.getJob(id);
    if (job && (await job.isFailed())) {
      // The slot's earlier job used up its attempts; the scheduler's backoff decided to try again.
      await job.retry('failed');
    } else if (!job) {
      job = await q.queue.add(item.id, { item, range }, jobOptions(s, id));
    }
    log.debug({ item: item.id, job: id }, 'collection job queued');
    const result = (await raceAbort(job.waitUntilFinished(q.events), ctx.signal)) as CollectJobResult;
    ctx.countCalls(result.calls);
    return { stored: result.stored, until: result.until } satisfies RunOutcome;
  };
}

/** What a worker runs for one collection job: the same runner `mts run` uses in one process. */
export function collectProcessor(deps: RunnerDeps, cache?: LatestCache) {
  const run = collectionRunner(deps);
  return async (job: Job<CollectJobData>, signal: AbortSignal): Promise<CollectJobResult> => {
    const { item, range } = job.data;
    let calls = 0;
    const out = await run(item, range, { signal, countCalls: (n) => (calls += n) });
    if (cache && item.kind === 'candles') {
      const last = await deps.store.candles.read({ symbol: item.symbol, timeframe: item.timeframe, source: item.source, limit: 1 });
      if (last.length) await cache.putPrice({ symbol: item.symbol, price: last.close[0], ts: last.ts[0] + TIMEFRAMES[item.timeframe], source: item.source }).catch(() => undefined);
    }
    deps.log.info({ item: item.id, job: job.id, attempt: job.attemptsMade + 1, stored: out.stored, calls }, 'collection job done');
    return { stored: out.stored, until: out.until, calls };
  };
}
