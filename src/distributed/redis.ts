/**
 * Connections to the one Redis every MTS process of a deployment shares (SPEC §13). Each connection is named
 * (`CLIENT LIST` shows which process holds it), reconnects on its own with a capped backoff, and reports a lost or
 * regained connection in the log once per outage; `redisHealth` turns that into the /health `redis` component.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { parseDuration } from '../core/time.js';

export interface RedisSettings {
  url: string;
  /** Prefix of every key and queue of this deployment. */
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  attempts: number;
  backoffBaseMs: number;
  claimIdleMs: number;
  cacheTtlMs: number;
}

/** The distributed settings of a config; a clear error when MTS_REDIS_URL is not set. */
export function redisSettings(config: Config, what = 'this mode'): RedisSettings {
  if (!config.redisUrl) throw new ConfigError('E_NO_REDIS', `${what} needs Redis: set MTS_REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  const d = config.distributed;
  return {
    url: config.redisUrl,
    prefix: d.prefix,
    concurrency: d.concurrency,
    lockDurationMs: parseDuration(d.lockDuration, 'distributed.lockDuration'),
    attempts: d.attempts,
    backoffBaseMs: parseDuration(d.backoffBase, 'distributed.backoffBase'),
    claimIdleMs: parseDuration(d.claimIdle, 'distributed.claimIdle'),
    cacheTtlMs: parseDuration(d.cacheTtl, 'distributed.cacheTtl'),
  };
}

/** A key of this deployment (`<prefix>:<name>`). */
export function keyOf(s: Pick<RedisSettings, 'prefix'>, name: string): string {
  return `${s.prefix}:${name}`;
}

/**
 * A new connection. `blocking`: for BullMQ workers and stream readers, whose commands wait on the server, so a
 * command is never failed after a few retries (BullMQ requires maxRetriesPerRequest null); other connections fail
 * a command while Redis is away, so the caller sees the outage instead of hanging.
 */
export function connectRedis(url: string, role: string, log?: Logger, opts: { blocking?: boolean } = {}): Redis {
  const options: RedisOptions = {
    connectionName: `mts:${role}:${process.pid}`,
    maxRetriesPerRequest: opts.blocking ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    lazyConnect: false,
  };
  const redis = new Redis(url, options);
  if (log) watchConnection(redis, role, log);
  return redis;
}

/** Logs the first error of an outage and the return, not every reconnect attempt in between. */
export function watchConnection(redis: Redis, role: string, log: Logger): void {
  let lost = false;
  const down = (why: string) => {
    if (lost) return;
    lost = true;
    log.warn({ redis: role, err: why }, 'redis connection lost; work waits and resumes when it returns');
  };
  redis.on('error', (err: Error) => down(err.message));
  redis.on('close', () => down('connection closed'));
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info({ redis: role }, 'redis connection back; work resumes');
  });
}

export interface RedisHealth {
  status: 'ok' | 'degraded';
  reason: string;
  detail: Record<string, unknown>;
}

/** PING with a time limit: an unreachable, paused or overloaded Redis is degraded (the embedded paths keep working). */
export async function redisHealth(redis: Redis, timeoutMs = 500): Promise<RedisHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to PING within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return { status: 'ok', reason: 'reachable', detail: { connection: redis.status, latency_ms: latencyMs } };
  } catch (err) {
    return { status: 'degraded', reason: `redis unavailable: ${err instanceof Error ? err.message : String(err)}`, detail: { connection: redis.status } };
  } finally {
    clearTimeout(timer);
  }
}
