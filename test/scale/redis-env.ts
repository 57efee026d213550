/**
 * Scale-out tests run on the machine's real Redis and PostgreSQL whenever MTS_TEST_REDIS_URL and
 * MTS_TEST_DATABASE_URL are set (as in CI). Each run gets its own key/queue prefix and its own PostgreSQL schema,
 * so parallel runs never collide, and both are removed afterwards.
 */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.MTS_TEST_REDIS_URL;
export const PG_URL = process.env.MTS_TEST_DATABASE_URL;
export const scaleTargets = REDIS_URL && PG_URL ? [{ redis: REDIS_URL, pg: PG_URL }] : [];

let seq = 0;
/** A prefix no other run uses. */
export function uniquePrefix(topic: string): string {
  return `mtstest-${topic}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}

/** A PostgreSQL URL on a fresh schema of the test database. */
export function pgSchemaUrl(pg: string, topic: string): string {
  const u = new URL(pg);
  u.searchParams.set('schema', `mts_scale_${topic}_${process.pid}_${Date.now().toString(36)}_${seq++}`);
  return u.toString();
}

/** Deletes every key of a prefix (queues, buckets, streams, caches of one test run). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
