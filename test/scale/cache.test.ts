/**
 * The Redis cache of latest prices and signals: a newer price replaces an older one and never the reverse (workers
 * finish in any order), entries carry the TTL, and a reader gets undefined — never an error — when Redis is away,
 * so the store answers instead.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/distributed/redis.js';
import { LatestCache } from '../../src/storage/cache.js';
import { dropPrefix, scaleTargets, uniquePrefix } from './redis-env.js';

describe('the cache without a reachable Redis', () => {
  it('answers undefined so the store is asked instead', async () => {
    const r = connectRedis('redis://127.0.0.1:1', 'nowhere');
    r.on('error', () => undefined);
    const cache = new LatestCache(r, 'mts', 60_000);
    expect(await cache.price('BTC/USDT')).toBeUndefined();
    expect(await cache.signals()).toBeUndefined();
    r.disconnect();
  });
});

describe.each(scaleTargets)('the cache on Redis', ({ redis: redisUrl }) => {
  it('keeps the newest price per symbol, with the TTL', async () => {
    const prefix = uniquePrefix('cache');
    const r = new Redis(redisUrl);
    afterAll(async () => {
      r.disconnect();
      await dropPrefix(redisUrl, prefix);
    });
    const cache = new LatestCache(r, prefix, 60_000);
    expect(await cache.putPrice({ symbol: 'BTC/USDT', price: 100, ts: 2000, source: 'binance' })).toBe(true);
    expect(await cache.putPrice({ symbol: 'BTC/USDT', price: 90, ts: 1000, source: 'binance' })).toBe(false);
    expect(await cache.price('BTC/USDT')).toEqual({ symbol: 'BTC/USDT', price: 100, ts: 2000, source: 'binance' });
    expect(await cache.putPrice({ symbol: 'BTC/USDT', price: 110, ts: 3000, source: 'binance' })).toBe(true);
    expect((await cache.price('BTC/USDT'))?.price).toBe(110);
    expect(await cache.price('ETH/USDT')).toBeUndefined();
    const ttl = await r.pttl(`${prefix}:cache:price:BTC/USDT`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
