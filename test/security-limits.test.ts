/**
 * Per-credential and per-address request limits on /api/v1, and the security headers of the dashboard and the API.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/core/clock.js';
import { createApiKey } from '../src/security/keys.js';
import { createServer } from '../src/server/server.js';
import { openStore, type Store } from '../src/storage/store.js';
import { tempDir } from './helpers/env.js';
import { monitoringConfig } from './helpers/monitoring-seed.js';

const TOKEN = 'bootstrap-token-limits-0001';
let store: Store;
const clock = new VirtualClock(Date.UTC(2025, 11, 1));
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(tempDir(), 'limits.db')}`);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await store.close();
});

async function server(host: string, perMinute: number) {
  const app = await createServer({ config: monitoringConfig({ http: { host, apiToken: TOKEN, rateLimitPerMinute: perMinute } }), store, clock });
  apps.push(app);
  return app;
}

const get = (app: FastifyInstance, bearer?: string, remoteAddress = '10.1.1.1') =>
  app.inject({ method: 'GET', url: '/api/v1/signals?limit=1', remoteAddress, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

describe('rate limits', () => {
  it('a key that bursts past its limit gets 429 with Retry-After; other keys from the same address are unaffected', async () => {
    const app = await server('0.0.0.0', 4);
    const a = await createApiKey(store, { name: 'busy bot', role: 'viewer' }, clock.now());
    const b = await createApiKey(store, { name: 'dashboard', role: 'viewer' }, clock.now());
    for (let i = 0; i < 4; i++) expect((await get(app, a.key)).statusCode).toBe(200);
    const limited = await get(app, a.key);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'too_many_requests', message: expect.stringMatching(/at most 4 requests per minute per credential/) });
    // Same machine, another key: its own budget. The bootstrap token too.
    for (let i = 0; i < 4; i++) expect((await get(app, b.key)).statusCode).toBe(200);
    expect((await get(app, TOKEN)).statusCode).toBe(200);
    // The busy key stays limited.
    expect((await get(app, a.key)).statusCode).toBe(429);
  });

  it('failed credentials count against the address, so guessing is limited too, and each refusal is audited', async () => {
    const app = await server('0.0.0.0', 3);
    const before = (await store.security.listAudit({ limit: 1 })).total;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(app, `mts_0123456789ab_${'x'.repeat(32)}`, '10.9.9.9')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const log = await store.security.listAudit({ limit: 5 });
    expect(log.total - before).toBe(5);
    expect(log.items.map((e) => e.result)).toEqual(['denied', 'denied', 'denied', 'denied', 'denied']);
    expect(log.items.every((e) => e.origin === '10.9.9.9' && e.actor === 'key:0123456789ab')).toBe(true);
    expect(log.items[0].detail).toMatch(/HTTP 429: invalid key/);
    // Another address guessing is not slowed by the first one.
    expect((await get(app, 'wrong-token-000000000000', '10.9.9.10')).statusCode).toBe(401);
  });

  it('on loopback, anonymous readers share the per-address budget; probes are never limited', async () => {
    const app = await server('127.0.0.1', 2);
    expect((await get(app, undefined, '127.0.0.1')).statusCode).toBe(200);
    expect((await get(app, undefined, '127.0.0.1')).statusCode).toBe(200);
    expect((await get(app, undefined, '127.0.0.1')).statusCode).toBe(429);
    expect((await get(app, undefined, '127.0.0.3')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).not.toBe(429);
  });
});

describe('security headers', () => {
  it('the dashboard forbids framing, sniffing and referrers and runs only its own scripts; API answers carry the same', async () => {
    const app = await server('127.0.0.1', 0);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const api = await app.inject({ method: 'GET', url: '/api/v1/signals' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-frame-options']).toBe('DENY');
    const refused = await app.inject({ method: 'POST', url: '/api/v1/collect' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['referrer-policy']).toBe('no-referrer');
  });
});
