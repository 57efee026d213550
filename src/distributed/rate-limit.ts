/**
 * The per-source rate limit shared by every worker (SPEC §13): the same token bucket as the local one
 * (sources/http/rate-limiter.ts), kept in one Redis hash and taken atomically by a Lua script on Redis's own clock,
 * so N workers on any number of machines together never exceed one source's published limit.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import { type BucketLimits, bucketShape, type Limiter } from '../sources/http/rate-limiter.js';

/**
 * KEYS[1]: the bucket. ARGV: capacity, refill per ms, weight, key ttl ms. Returns 0 when the weight was spent,
 * else the ms to wait before asking again. A call heavier than the bucket waits for a full bucket and leaves it in
 * debt, as the local bucket does.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local w = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'last', 'paused')
local tokens = tonumber(v[1]) or cap
local last = tonumber(v[2]) or now
local paused = tonumber(v[3]) or 0
if now < paused then return paused - now end
if now > last then
  tokens = math.min(cap, tokens + (now - last) * rate)
  last = now
end
local need = math.min(w, cap)
local wait = 0
if tokens >= need then
  tokens = tokens - w
else
  wait = math.max(1, math.ceil((need - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(last))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return wait
`;

/** KEYS[1]: the bucket. ARGV: pause ms, key ttl ms. Every taker everywhere waits until then. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if until_ > cur then redis.call('HSET', KEYS[1], 'paused', tostring(until_)) end
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]), tonumber(ARGV[1])))
return 0
`;

type Scripted = Redis & {
  mtsTake(key: string, capacity: number, refillPerMs: number, weight: number, ttlMs: number): Promise<number>;
  mtsPause(key: string, ms: number, ttlMs: number): Promise<number>;
};

function scripted(redis: Redis): Scripted {
  const r = redis as Scripted;
  if (typeof r.mtsTake !== 'function') {
    redis.defineCommand('mtsTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('mtsPause', { numberOfKeys: 1, lua: PAUSE });
  }
  return r;
}

/** How long a taker waits before asking again while Redis is unreachable. */
const OUTAGE_RETRY_MS = 500;

export class RedisTokenBucket implements Limiter {
  readonly capacity: number;
  readonly refillPerMs: number;
  private readonly ttlMs: number;
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    readonly key: string,
    limits: BucketLimits,
    private readonly clock: Clock,
  ) {
    const shape = bucketShape(limits);
    this.capacity = shape.capacity;
    this.refillPerMs = shape.refillPerMs;
    // Long enough that an idle bucket is full again when it expires.
    this.ttlMs = Math.ceil(2 * limits.windowMs);
    this.redis = scripted(redis);
  }

  async take(weight = 1, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      let wait: number;
      try {
        wait = Number(await this.redis.mtsTake(this.key, this.capacity, this.refillPerMs, weight, this.ttlMs));
      } catch {
        // Redis away: nothing may be spent without the shared count; wait for it (the connection logs the outage).
        wait = OUTAGE_RETRY_MS;
      }
      if (wait <= 0) return;
      await this.clock.sleep(wait, signal);
    }
  }

  pause(ms: number): void {
    this.redis.mtsPause(this.key, Math.ceil(ms), this.ttlMs).catch(() => undefined);
  }
}

/** The shared limiter factory the client stack takes (`StackDeps.limiter`). */
export function sharedLimiters(redis: Redis, prefix: string, clock: Clock) {
  return (source: string, limits: BucketLimits): Limiter => new RedisTokenBucket(redis, `${prefix}:ratelimit:${source}`, limits, clock);
}
