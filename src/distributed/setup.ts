/**
 * What `mts run --distributed` adds to the one-process pipeline: the queue runner for collection, the alert
 * stream for new alerts, the signal cache, and the connections they need; `close` ends them all.
 */
import type { Config } from '../config/schema.js';
import { type Clock, SystemClock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { ItemRunner } from '../scheduler/scheduler.js';
import type { StackDeps } from '../sources/http/stack.js';
import type { SignalStepOptions } from '../scheduler/signal-step.js';
import { LatestCache } from '../storage/cache.js';
import { ALERT_STREAM, publishAlert } from './alert-stream.js';
import { queueRunner } from './collect-jobs.js';
import { sharedLimiters } from './rate-limit.js';
import { COLLECT_QUEUE, type CollectJobData, openQueue, type QueueHandle } from './queues.js';
import { connectRedis, keyOf, type RedisSettings, redisSettings } from './redis.js';
import type { Redis } from 'ioredis';

export interface DistributedPipeline {
  settings: RedisSettings;
  redis: Redis;
  collect: QueueHandle<CollectJobData>;
  /** For createPipeline: collection through the queue, the signal step here. */
  runner: (local: ItemRunner) => ItemRunner;
  /**
   * For createPipeline: the workers' shared rate-limit buckets. The scheduler's own calls (the stream's market lists,
   * gap repairs and book snapshots) spend from the same budget, so all processes together stay within the limits.
   */
  limiter: NonNullable<StackDeps['limiter']>;
  /** For createSignalStep: publish alerts, cache signals. */
  signalHooks: Pick<SignalStepOptions, 'publish' | 'onSignals'>;
  close(): Promise<void>;
}

export async function openDistributed(config: Config, log: Logger, clock: Clock = new SystemClock()): Promise<DistributedPipeline> {
  const settings = redisSettings(config, 'mts run --distributed');
  const redis = connectRedis(settings.url, 'scheduler', log);
  const blocking = connectRedis(settings.url, 'scheduler-events', log, { blocking: true });
  const collect = await openQueue<CollectJobData>(COLLECT_QUEUE, settings, redis, blocking);
  const cache = new LatestCache(redis, settings.prefix, settings.cacheTtlMs);
  const stream = keyOf(settings, ALERT_STREAM);
  return {
    settings,
    redis,
    collect,
    runner: (local) => queueRunner(collect, settings, local, log),
    limiter: sharedLimiters(redis, settings.prefix, clock),
    signalHooks: {
      publish: async (alert) => {
        await publishAlert(redis, stream, alert as unknown as { id: string } & Record<string, unknown>);
      },
      onSignals: (at, signals) => cache.putSignals(at, signals),
    },
    async close() {
      await collect.close();
      await Promise.all([redis.quit().catch(() => redis.disconnect()), blocking.quit().catch(() => blocking.disconnect())]);
    },
  };
}
