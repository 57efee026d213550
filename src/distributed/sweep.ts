/**
 * `mts optimize --distributed`: the sweep's data goes to Redis once (under the sweep's key, with a TTL), its
 * parameter sets go on `mts-backtest` in batches, and `mts worker` processes evaluate them exactly as the local
 * worker threads do (backtest/eval-task.ts). Results are keyed by task id, so the ranking never depends on which
 * worker answered when.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { evaluateTask } from '../backtest/eval-task.js';
import type { EvalJob, EvalResult, EvalTask, Evaluator } from '../backtest/pool.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { StrategyRegistry } from '../strategies/registry.js';
import { decode, encode } from './codec.js';
import { type BacktestJobData, jobOptions, type QueueHandle } from './queues.js';
import type { RedisSettings } from './redis.js';

/** Parameter sets per job: few enough to spread a small sweep, enough to amortise a round trip. */
const BATCH = 4;
/** How long a sweep's data stays in Redis (a sweep finishes long before). */
const SWEEP_TTL_S = 86_400;

const sweepKey = (s: RedisSettings, id: string) => `${s.prefix}:sweep:${id}`;

export class QueueEvaluator implements Evaluator {
  private constructor(
    private readonly q: QueueHandle<BacktestJobData>,
    private readonly s: RedisSettings,
    private readonly redis: Redis,
    readonly sweep: string,
  ) {}

  static async open(q: QueueHandle<BacktestJobData>, s: RedisSettings, redis: Redis, job: EvalJob): Promise<QueueEvaluator> {
    const sweep = randomUUID();
    await redis.set(sweepKey(s, sweep), encode(job), 'EX', SWEEP_TTL_S);
    return new QueueEvaluator(q, s, redis, sweep);
  }

  async run(tasks: readonly EvalTask[], onProgress?: (done: number, total: number) => void): Promise<EvalResult[]> {
    const results = new Map<number, EvalResult>();
    const batches: EvalTask[][] = [];
    for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
    // Walk-forward runs reuse task ids per pass; the pass number keeps job ids unique within the sweep.
    const pass = randomUUID().slice(0, 8);
    const jobs = await this.q.queue.addBulk(
      batches.map((b, i) => ({ name: 'sweep', data: { sweep: this.sweep, tasks: b }, opts: jobOptions(this.s, `${this.sweep}-${pass}-${i}`) })),
    );
    let done = 0;
    await Promise.all(
      jobs.map(async (job) => {
        const out = decode<EvalResult[]>((await job.waitUntilFinished(this.q.events)) as string);
        for (const r of out) results.set(r.id, r);
        done += out.length;
        onProgress?.(done, tasks.length);
      }),
    );
    return tasks.map((t) => results.get(t.id) as EvalResult);
  }

  async close(): Promise<void> {
    await this.redis.del(sweepKey(this.s, this.sweep));
  }
}

/** What a worker runs for one backtest job; the sweep's data and strategy are loaded once per sweep. */
export function backtestProcessor(redis: Redis, s: RedisSettings) {
  const loaded = new Map<string, Promise<{ job: EvalJob; strategy: AnyStrategy }>>();
  const load = (sweep: string) => {
    let p = loaded.get(sweep);
    if (!p) {
      p = (async () => {
        const text = await redis.get(sweepKey(s, sweep));
        if (text === null) throw new Error(`sweep ${sweep}: its data is gone from Redis (expired or the sweep ended)`);
        const job = decode<EvalJob>(text);
        return { job, strategy: (await new StrategyRegistry().resolve(job.strategy)).strategy };
      })();
      p.catch(() => loaded.delete(sweep));
      // One sweep at a time is typical; keep the last few only.
      if (loaded.size > 4) loaded.delete(loaded.keys().next().value as string);
      loaded.set(sweep, p);
    }
    return p;
  };
  return async (job: Job<BacktestJobData>): Promise<string> => {
    const { job: data, strategy } = await load(job.data.sweep);
    return encode(job.data.tasks.map((t) => evaluateTask(data, strategy, t)));
  };
}
