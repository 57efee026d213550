import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropPgSchema, storeTargets } from '../../test/helpers/env.js';
import { monitoringConfig, type Seeded, seedMonitoringData } from '../../test/helpers/monitoring-seed.js';
import { VirtualClock } from '../core/clock.js';
import { HOUR_MS } from '../core/time.js';
import { openStore, type Store } from '../storage/store.js';
import type { HealthProvider, SchedulerFacts, SourceFacts } from './providers.js';
import { createServer } from './server.js';

/** A freshly seeded store per test, on the given target, with a server built on first use. */
function seededServer(target: ReturnType<typeof storeTargets>[number]) {
  const h = {} as { store: Store; url: string; seed: Seeded; clock: VirtualClock; app: FastifyInstance | undefined };
  beforeEach(async () => {
    h.url = target.url();
    h.store = await openStore(h.url);
    h.seed = await seedMonitoringData(h.store);
    h.clock = new VirtualClock(h.seed.now);
    h.app = undefined;
  });
  afterEach(async () => {
    await h.app?.close();
    await h.store.close().catch(() => {});
    await dropPgSchema(h.url);
  });
  const health = async (opts: { providers?: HealthProvider; config?: Parameters<typeof monitoringConfig>[0]; dbTimeoutMs?: number } = {}) => {
    h.app ??= await createServer({ config: monitoringConfig(opts.config), store: h.store, clock: h.clock, providers: opts.providers, dbTimeoutMs: opts.dbTimeoutMs });
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    return { code: res.statusCode, body: res.json() as any };
  };
  return { h, health };
}

// The database checks run on every target: the failure modes differ between SQLite and PostgreSQL.
describe.each(storeTargets())('database health on $name', (target) => {
  const { h, health } = seededServer(target);

  it('is ok on fresh data, each component saying why', async () => {
    const r = await health();
    expect(r.code).toBe(200);
    expect(r.body.status).toBe('ok');
    const c = r.body.components;
    expect(c.database).toMatchObject({ status: 'ok', reason: 'reachable and writable' });
    expect(c.scheduler.status).toBe('ok');
    expect(c.sources.binance).toMatchObject({ status: 'ok', reason: expect.stringMatching(/last success 9m ago, 2 items fresh/) });
    expect(c.sources.binance.detail.data[0]).toMatchObject({ item: 'BTC/USDT 1h', age_ms: 5 * 60_000, stale_after_ms: 2 * HOUR_MS, stale: false });
    expect(c.sources.fred.status).toBe('ok');
    expect(c.paper.status).toBe('ok');
    expect(c.notifiers.status).toBe('not_configured');
    expect(r.body.timestamp).toBe(new Date(h.seed.now).toISOString());
  });

  it('is down (503) while the database is locked by another writer, ok once it is released', async () => {
    let release: () => Promise<void>;
    if (target.name === 'sqlite') {
      await sql`PRAGMA busy_timeout = 50`.execute(h.store.db);
      const other = new Database(h.store.file as string);
      other.exec('BEGIN IMMEDIATE');
      release = async () => {
        other.exec('COMMIT');
        other.close();
      };
    } else {
      const u = new URL(h.url);
      const schema = u.searchParams.get('schema') as string;
      u.searchParams.delete('schema');
      const other = new pg.Client({ connectionString: u.toString() });
      await other.connect();
      await other.query('BEGIN');
      await other.query(`LOCK TABLE ${schema}.kv IN ACCESS EXCLUSIVE MODE`);
      release = async () => {
        await other.query('COMMIT');
        await other.end();
      };
    }
    const locked = await health({ dbTimeoutMs: 300 });
    expect(locked.code).toBe(503);
    expect(locked.body.status).toBe('down');
    expect(locked.body.components.database.status).toBe('down');
    expect(locked.body.components.database.reason).toMatch(/database unavailable: (database is locked|the database did not answer within 300 ms)/);
    await release();
    const back = await health({ dbTimeoutMs: 300 });
    expect(back.code).toBe(200);
    expect(back.body.status).toBe('ok');
    expect(back.body.components.database.detail.last_error.message).toMatch(/locked|did not answer/);
  });

  it('is down (503) when the database is gone, saying so, without failing the other checks', async () => {
    h.app = await createServer({ config: monitoringConfig(), store: h.store, clock: h.clock });
    await h.store.close();
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.components.database.status).toBe('down');
    expect(body.components.database.reason).toMatch(/^database unavailable: /);
    expect(body.components.scheduler.status).toBe('unknown');
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
  });
});

// The transition rules read the same rows on either database (the read API suite covers PostgreSQL's SQL).
describe('health transitions', () => {
  const { h, health } = seededServer(storeTargets()[0]);

  it('turns degraded when data goes stale past twice its tier interval, and ok again when it is refreshed', async () => {
    await h.clock.advance(2 * HOUR_MS + 60_000);
    const stale = await health();
    expect(stale.code).toBe(200);
    expect(stale.body.status).toBe('degraded');
    const binance = stale.body.components.sources.binance;
    expect(binance.status).toBe('degraded');
    expect(binance.reason).toMatch(/stale data: BTC\/USDT 1h 2h 6m old \(limit 2h\), ETH\/USDT 1h 2h 6m old/);
    expect(stale.body.components.scheduler).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/no scheduler activity for 2h 6m/) });
    // The collector catches up: new candles up to the last closed hour, scheduler state written now.
    const last = h.seed.candles['BTC/USDT'][399];
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const bars = [1, 2].map((k) => ({ ...last, ts: last.ts + k * HOUR_MS }));
      await h.store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, bars);
    }
    await h.store.ops.recordApiCalls([{ ts: h.clock.now(), source: 'binance', endpoint: 'klines', status: 200, latencyMs: 80 }]);
    await h.store.ops.putSchedulerState({ item: 'binance:BTC/USDT:1h', lastRun: h.clock.now(), lastSuccess: h.clock.now(), lastError: null, failures: 0, nextRun: null, dataUntil: null }, h.clock.now());
    const back = await health();
    expect(back.body.status).toBe('ok');
    expect(back.body.components.sources.binance.status).toBe('ok');
  });

  it('reports a failing source from the API-call records, and recovers on the next success', async () => {
    await h.store.ops.recordApiCalls([{ ts: h.clock.now() - 1000, source: 'fred', endpoint: 'series/observations', status: 429, latencyMs: 30, error: 'rate limited' }]);
    const failing = await health();
    expect(failing.code).toBe(200);
    expect(failing.body.status).toBe('degraded');
    expect(failing.body.components.sources.fred).toMatchObject({ status: 'degraded', reason: 'last call failed: series/observations: rate limited' });
    expect(failing.body.components.sources.fred.detail.last_error.message).toBe('series/observations: rate limited');
    await h.store.ops.recordApiCalls([{ ts: h.clock.now(), source: 'fred', endpoint: 'series/observations', status: 200, latencyMs: 30 }]);
    expect((await health()).body.status).toBe('ok');
  });

  it('reports an open circuit breaker from a running source as down, and recovers when it closes', async () => {
    let binance: SourceFacts = { breaker: 'open', lastSuccess: h.clock.now() - HOUR_MS, lastError: { ts: h.clock.now() - 5000, message: 'connect ECONNREFUSED' } };
    const providers: HealthProvider = { sources: () => ({ binance }) };
    const open = await health({ providers });
    expect(open.code).toBe(200);
    expect(open.body.status).toBe('degraded');
    expect(open.body.components.sources.binance).toMatchObject({ status: 'down', reason: 'circuit breaker open; last error: connect ECONNREFUSED' });
    binance = { breaker: 'half_open', lastSuccess: h.clock.now() - HOUR_MS };
    expect((await health({ providers })).body.components.sources.binance.reason).toMatch(/half-open/);
    binance = { breaker: 'closed', lastSuccess: h.clock.now() };
    const closed = await health({ providers });
    expect(closed.body.status).toBe('ok');
    expect(closed.body.components.sources.binance.status).toBe('ok');
  });

  it('is down (503) when the scheduler loop stops ticking, ok when it ticks again', async () => {
    const facts: SchedulerFacts = { lastTick: h.clock.now(), tickIntervalMs: 60_000 };
    const providers: HealthProvider = { scheduler: () => facts };
    expect((await health({ providers })).body.status).toBe('ok');
    await h.clock.advance(3 * 60_000);
    const stopped = await health({ providers });
    expect(stopped.code).toBe(503);
    expect(stopped.body.status).toBe('down');
    expect(stopped.body.components.scheduler).toMatchObject({ status: 'down', reason: 'scheduler has not ticked for 3m (expected every 1m)' });
    facts.lastTick = h.clock.now();
    const back = await health({ providers });
    expect(back.code).toBe(200);
    expect(back.body.status).toBe('ok');
  });

  it('reports a stopped paper engine and failed notifier deliveries, and their recovery', async () => {
    let alive = false;
    const providers: HealthProvider = { paper: () => ({ alive, lastBeat: h.clock.now() - 60_000, lastError: alive ? null : 'alerts dir not readable' }) };
    const config = { notifiers: { webhookUrls: ['https://hooks.example.com/x'] } };
    await h.store.signals.recordDelivery({ alertId: h.seed.alertIds[1], channel: 'webhook', target: 'webhook#1', status: 'failed', attempts: 5, lastError: 'HTTP 502', ts: h.clock.now() });
    const bad = await health({ providers, config });
    expect(bad.code).toBe(200);
    expect(bad.body.status).toBe('degraded');
    expect(bad.body.components.paper).toMatchObject({ status: 'down', reason: 'paper engine stopped: alerts dir not readable' });
    expect(bad.body.components.notifiers).toMatchObject({ status: 'degraded', reason: 'last delivery failed on webhook (HTTP 502)' });
    alive = true;
    await h.clock.advance(1000);
    await h.store.signals.recordDelivery({ alertId: h.seed.alertIds[2], channel: 'webhook', target: 'webhook#1', status: 'sent', attempts: 1, ts: h.clock.now() });
    const good = await health({ providers, config });
    expect(good.body.status).toBe('ok');
    expect(good.body.components.notifiers.detail.channels[0]).toMatchObject({ channel: 'webhook', last_status: 'sent' });
  });

});
