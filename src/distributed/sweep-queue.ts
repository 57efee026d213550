/** The connections `mts optimize --distributed` needs, and the evaluator factory it hands to `optimize`. */
import type { Config } from '../config/schema.js';
import type { EvalJob } from '../backtest/pool.js';
import type { Logger } from '../core/log.js';
import { BACKTEST_QUEUE, type BacktestJobData, openQueue } from './queues.js';
import { connectRedis, redisSettings } from './redis.js';
import { QueueEvaluator } from './sweep.js';

export async function openSweepQueue(config: Config, log: Logger) {
  const settings = redisSettings(config, 'mts optimize --distributed');
  const redis = connectRedis(settings.url, 'optimize', log);
  const blocking = connectRedis(settings.url, 'optimize-events', log, { blocking: true });
  const q = await openQueue<BacktestJobData>(BACKTEST_QUEUE, settings, redis, blocking);
  return {
    evaluator: (job: EvalJob) => QueueEvaluator.open(q, settings, redis, job),
    async close() {
      await q.close();
      await Promise.all([redis.quit().catch(() => redis.disconnect()), blocking.quit().catch(() => blocking.disconnect())]);
    },
  };
}
