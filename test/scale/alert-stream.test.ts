/**
 * The alert stream on the real Redis and PostgreSQL: two paper traders in one consumer group split `mts:alerts`
 * with no alert applied twice; a trader that dies holding entries (some already applied, none acknowledged)
 * hands them to the other after the claim idle time, which applies the rest and recognises the applied ones.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { intentFromAlert } from '../../src/paper/intent.js';
import { ALERT_STREAM, AlertStreamReader, PAPER_GROUP, publishAlert } from '../../src/distributed/alert-stream.js';
import { keyOf } from '../../src/distributed/redis.js';
import { runStreamPaper, runStreamTrader } from '../../src/distributed/stream-trader.js';
import path from 'node:path';
import { dropPgSchema, tempDir } from '../helpers/env.js';
import { paperFixture, T0 } from '../helpers/paper.js';
import { alertStream, TEST_PRICES } from '../helpers/paper-alerts.js';
import { waitFor } from '../scheduler/process.js';
import { dropPrefix, pgSchemaUrl, scaleTargets, uniquePrefix } from './redis-env.js';

const HOUR = 3_600_000;

describe('mts paper --stream without Redis', () => {
  it('refuses with the setting to make', async () => {
    const fx = await paperFixture(`sqlite:${path.join(tempDir('mts-stream-'), 'mts.db')}`, TEST_PRICES);
    afterAll(() => fx.store.close());
    const run = runStreamPaper({ engine: { store: fx.store, config: fx.config, clock: fx.clock, log: silentLogger }, consumer: 'x', signal: new AbortController().signal });
    await expect(run).rejects.toThrow('mts paper --stream needs Redis: set MTS_REDIS_URL');
  });
});

describe.each(scaleTargets)('paper traders on the alert stream', ({ redis: redisUrl, pg }) => {
  it('split the stream with no alert applied twice; a dead trader\'s pending alerts go to the other', async () => {
    const prefix = uniquePrefix('stream');
    const dbUrl = pgSchemaUrl(pg, 'stream');
    const fx = await paperFixture(dbUrl, TEST_PRICES, { redisUrl, distributed: { prefix } });
    const key = keyOf({ prefix }, ALERT_STREAM);
    const conns: Redis[] = [];
    const conn = () => {
      const c = new Redis(redisUrl, { maxRetriesPerRequest: null });
      conns.push(c);
      return c;
    };
    const stop = new AbortController();
    const running: Promise<unknown>[] = [];
    afterAll(async () => {
      stop.abort();
      await Promise.allSettled(running);
      for (const c of conns) c.disconnect();
      await fx.store.close();
      await dropPrefix(redisUrl, prefix);
      await dropPgSchema(dbUrl);
    });
    const publisher = conn();
    const seen = { A: { applied: [] as string[], consumed: [] as string[] }, B: { applied: [] as string[], consumed: [] as string[] } };
    const firstRound = new AbortController();
    const trader = (name: 'A' | 'B', claimIdleMs: number, signal: AbortSignal) => {
      const reader = new AlertStreamReader({ redis: conn(), key, group: PAPER_GROUP, consumer: name, claimIdleMs, log: silentLogger });
      return runStreamTrader({
        engine: { store: fx.store, config: fx.config, clock: fx.clock, log: silentLogger },
        reader,
        redis: conn(),
        lockKey: keyOf({ prefix }, 'paper:lock'),
        log: silentLogger,
        signal,
        blockMs: 100,
        onBatch: (r) => {
          seen[name].applied.push(...r.applied);
          seen[name].consumed.push(...r.consumed);
        },
      });
    };
    // The group exists before anything is published, as with a trader started before the pipeline.
    await new AlertStreamReader({ redis: publisher, key, group: PAPER_GROUP, consumer: 'setup', claimIdleMs: 1000, log: silentLogger }).ensureGroup();
    running.push(trader('A', 60_000, firstRound.signal), trader('B', 60_000, firstRound.signal));

    const start = T0 + 48 * HOUR;
    const alerts = alertStream(60, start);
    const first = alerts.slice(0, 40);
    for (const a of first) {
      await publishAlert(publisher, key, a as unknown as { id: string });
      await new Promise((r) => setTimeout(r, 15));
    }
    const handled = () => [...seen.A.applied, ...seen.A.consumed, ...seen.B.applied, ...seen.B.consumed];
    await waitFor('both traders to handle the first 40 alerts', () => handled().length >= first.length, 20_000);
    // each alert went to exactly one trader, and both took part
    expect(handled().sort()).toEqual(first.map((a) => a.id).sort());
    expect(seen.A.applied.length + seen.A.consumed.length).toBeGreaterThan(0);
    expect(seen.B.applied.length + seen.B.consumed.length).toBeGreaterThan(0);
    expect(seen.A.applied.length + seen.B.applied.length).toBeGreaterThan(0);

    // Both stop; a third trader C reads the next 20 entries and dies: it had applied 5 (committed), acked none.
    firstRound.abort();
    await Promise.all(running);
    const rest = alerts.slice(40);
    for (const a of rest) await publishAlert(publisher, key, a as unknown as { id: string });
    const got = ((await conn().xreadgroup('GROUP', PAPER_GROUP, 'C', 'COUNT', 100, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null)?.[0]?.[1] ?? [];
    expect(got.map((e) => e[1][e[1].indexOf('id') + 1])).toEqual(rest.map((a) => a.id));
    const preApplied = rest.slice(0, 5);
    for (const a of preApplied) {
      const intent = intentFromAlert(a, fx.config.assets);
      if (!intent.ok) throw new Error(intent.reason);
      await fx.engine.applyAlert(intent.intent, 'stream:dead');
    }
    running.push(trader('B', 400, stop.signal));
    // B claims C's pending entries after 400 ms idle; everything ends acknowledged
    const reader = new AlertStreamReader({ redis: publisher, key, group: PAPER_GROUP, consumer: 'probe', claimIdleMs: 60_000, log: silentLogger });
    await waitFor('every entry to be acknowledged', () => handled().length >= alerts.length, 20_000);
    expect(await reader.pending()).toBe(0);
    expect(handled().sort()).toEqual(alerts.map((a) => a.id).sort());
    // the alerts C applied before dying were recognised, not applied again
    for (const a of preApplied) expect(seen.A.applied.concat(seen.B.applied)).not.toContain(a.id);
    expect(seen.B.consumed).toEqual(expect.arrayContaining(preApplied.map((a) => a.id)));
    // one record per alert in PostgreSQL
    const records = await fx.store.paper.alertsByIds(alerts.map((a) => a.id));
    expect(records.size).toBe(alerts.length);
  }, 60_000);
});
