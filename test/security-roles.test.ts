/**
 * Route by role (issue 13): every /api/v1 route the server publishes, called with every kind of credential — none,
 * the bootstrap token, API keys of each role, a revoked key, OIDC JWTs of each role from a local issuer on
 * 127.0.0.1, an expired one, a wrongly signed one, one with a foreign audience and one whose claim maps to no role —
 * on a non-loopback binding and on loopback. Each answer has the status the role rules give, and the audit log
 * records each refused attempt and each mutating one.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/core/clock.js';
import { createApiKey, type Role, roleAllows } from '../src/security/keys.js';
import { createServer } from '../src/server/server.js';
import { openStore, type Store } from '../src/storage/store.js';
import { tempDir } from './helpers/env.js';
import { monitoringConfig, seedMonitoringData } from './helpers/monitoring-seed.js';
import { type LocalIssuer, startLocalIssuer } from './helpers/oidc.js';

const TOKEN = 'bootstrap-token-0123456789';

/** What each route needs, written from SPEC §12 and issue 13 — not read from the code. */
const ROUTES: Record<string, { role: Role; url: string; payload?: unknown; ok: number }> = {
  'GET /api/v1/candles': { role: 'viewer', url: '/api/v1/candles?symbol=BTC/USDT&timeframe=1h&limit=2', ok: 200 },
  'GET /api/v1/macro': { role: 'viewer', url: '/api/v1/macro?limit=2', ok: 200 },
  'GET /api/v1/sources': { role: 'viewer', url: '/api/v1/sources', ok: 200 },
  'GET /api/v1/signals': { role: 'viewer', url: '/api/v1/signals?limit=2', ok: 200 },
  'GET /api/v1/alerts': { role: 'viewer', url: '/api/v1/alerts?limit=2', ok: 200 },
  'GET /api/v1/portfolio': { role: 'viewer', url: '/api/v1/portfolio?points=5', ok: 200 },
  'GET /api/v1/positions': { role: 'viewer', url: '/api/v1/positions', ok: 200 },
  'GET /api/v1/trades': { role: 'viewer', url: '/api/v1/trades', ok: 200 },
  'GET /api/v1/backtests': { role: 'viewer', url: '/api/v1/backtests', ok: 200 },
  'GET /api/v1/backtests/:id': { role: 'viewer', url: '/api/v1/backtests/bt-sma-btc?trades=2&points=2', ok: 200 },
  'POST /api/v1/collect': { role: 'operator', url: '/api/v1/collect', payload: { source: 'binance' }, ok: 200 },
  'POST /api/v1/signals': { role: 'operator', url: '/api/v1/signals', payload: {}, ok: 200 },
  'POST /api/v1/strategies/:name/pause': { role: 'operator', url: '/api/v1/strategies/sma_cross/pause', ok: 200 },
  'POST /api/v1/strategies/:name/resume': { role: 'operator', url: '/api/v1/strategies/sma_cross/resume', ok: 200 },
  'GET /api/v1/audit': { role: 'admin', url: '/api/v1/audit?limit=1', ok: 200 },
  'GET /api/v1/keys': { role: 'admin', url: '/api/v1/keys', ok: 200 },
  'POST /api/v1/keys': { role: 'admin', url: '/api/v1/keys', payload: { name: 'made by test', role: 'viewer' }, ok: 201 },
  // An id no key has: a caller allowed through reaches the handler, which answers 404.
  'DELETE /api/v1/keys/:id': { role: 'admin', url: '/api/v1/keys/000000000000', ok: 404 },
  'GET /api/v1/config': { role: 'admin', url: '/api/v1/config', ok: 200 },
  'POST /api/v1/config/reload': { role: 'admin', url: '/api/v1/config/reload', ok: 200 },
};

interface Credential {
  name: string;
  bearer?: string;
  /** The role it carries when accepted; undefined = authenticated but no role (403 everywhere). */
  role?: Role;
  /** Refused at authentication (401). */
  refused?: boolean;
  actor: string;
}

let store: Store;
let issuer: LocalIssuer;
const clock = new VirtualClock(0);
const creds: Credential[] = [];
const apps: FastifyInstance[] = [];

const triggers = {
  collect: async () => ({ calls: 1 }),
  signals: async () => ({ signals: 0, alerts: 0 }),
  reloadConfig: async () => ({ ok: true, changed: [], needsRestart: [] }),
  strategies: (() => {
    const paused = new Set<string>();
    return { names: () => ['sma_cross', 'volatility'], pause: (n: string) => void paused.add(n), resume: (n: string) => paused.delete(n), paused: () => [...paused] };
  })(),
};

async function serverOn(host: string, extraHttp: Record<string, unknown> = {}) {
  const config = monitoringConfig({
    http: {
      host,
      apiToken: TOKEN,
      rateLimitPerMinute: 0,
      oidc: { issuer: issuer.issuer, audience: 'mts', roleClaim: 'groups', roleMap: { 'mts-viewers': 'viewer', 'mts-operators': 'operator', 'mts-admins': 'admin' } },
      ...extraHttp,
    },
  });
  const app = await createServer({ config, store, clock, triggers });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(tempDir(), 'roles.db')}`);
  const seed = await seedMonitoringData(store);
  clock.set(seed.now);
  issuer = await startLocalIssuer();
  const now = clock.now();
  creds.push({ name: 'no credential', actor: 'anonymous' });
  creds.push({ name: 'bootstrap token', bearer: TOKEN, role: 'admin', actor: 'token:bootstrap' });
  creds.push({ name: 'wrong token', bearer: 'not-the-token-at-all-0000', refused: true, actor: 'anonymous' });
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const k = await createApiKey(store, { name: `${role} key`, role }, now);
    creds.push({ name: `API key (${role})`, bearer: k.key, role, actor: `key:${k.id} (${role} key)` });
  }
  const revoked = await createApiKey(store, { name: 'old ci', role: 'admin' }, now);
  await store.security.revokeKey(revoked.id, now);
  creds.push({ name: 'revoked admin key', bearer: revoked.key, refused: true, actor: `key:${revoked.id}` });
  for (const [role, group] of [['viewer', 'mts-viewers'], ['operator', 'mts-operators'], ['admin', 'mts-admins']] as const) {
    creds.push({ name: `JWT (${role})`, bearer: await issuer.sign({ sub: `alice-${role}`, groups: ['staff', group] }, { nowMs: now }), role, actor: `jwt:alice-${role}` });
  }
  creds.push({ name: 'expired JWT', bearer: await issuer.sign({ sub: 'bob', groups: ['mts-admins'] }, { nowMs: now - 7200_000, expiresInS: 3600 }), refused: true, actor: 'jwt' });
  creds.push({ name: 'JWT signed by an unpublished key', bearer: await issuer.sign({ sub: 'eve', groups: ['mts-admins'] }, { nowMs: now, foreignKey: true }), refused: true, actor: 'jwt' });
  creds.push({ name: 'JWT for another audience', bearer: await issuer.sign({ sub: 'carol', groups: ['mts-admins'] }, { nowMs: now, audience: 'other-app' }), refused: true, actor: 'jwt' });
  creds.push({ name: 'JWT from another issuer', bearer: await issuer.sign({ sub: 'mallory', groups: ['mts-admins'] }, { nowMs: now, issuer: 'https://idp.example.com' }), refused: true, actor: 'jwt' });
  creds.push({ name: 'JWT with no mapped group', bearer: await issuer.sign({ sub: 'dave', groups: ['staff'] }, { nowMs: now }), actor: 'jwt:dave' });
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await issuer?.close();
  await store?.close();
});

/** `METHOD /path/:param` of every API operation the server documents. */
function publishedRoutes(app: FastifyInstance): string[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const out: string[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!p.startsWith('/api/')) continue;
    for (const m of Object.keys(ops)) out.push(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return out.sort();
}

function expectedStatus(c: Credential, need: Role, loopback: boolean, ok: number): number {
  if (c.refused) return 401;
  if (!c.bearer) return loopback && need === 'viewer' ? ok : 401;
  if (!c.role) return 403;
  return roleAllows(c.role, need) ? ok : 403;
}

async function checkMatrix(app: FastifyInstance, loopback: boolean) {
  const failures: string[] = [];
  for (const [route, r] of Object.entries(ROUTES)) {
    const [method, pattern] = route.split(' ');
    for (const c of creds) {
      const before = await store.security.listAudit({ limit: 1 });
      const res = await app.inject({ method: method as 'GET', url: r.url, payload: r.payload as object | undefined, headers: c.bearer ? { authorization: `Bearer ${c.bearer}` } : {} });
      const want = expectedStatus(c, r.role, loopback, r.ok);
      const label = `${route} with ${c.name}${loopback ? ' (loopback)' : ''}`;
      if (res.statusCode !== want) failures.push(`${label}: ${res.statusCode} (${res.body.slice(0, 120)}), expected ${want}`);
      if (want === 401) expect(res.headers['www-authenticate'], label).toMatch(/^Bearer/);
      const after = await store.security.listAudit({ limit: 1 });
      const denied = want === 401 || want === 403;
      const mutating = method !== 'GET' || r.role !== 'viewer';
      if (denied || mutating) {
        expect(after.total, `${label} is audited`).toBe(before.total + 1);
        expect(after.items[0], label).toMatchObject({ actor: c.actor, action: `${method} ${pattern}`, origin: '127.0.0.1', result: denied ? 'denied' : want < 400 ? 'ok' : 'error' });
        expect(after.items[0].detail, label).toContain(`HTTP ${want}`);
      } else {
        expect(after.total, `${label} (a granted read) is not audited`).toBe(before.total);
      }
    }
  }
  expect(failures).toEqual([]);
}

describe('every route, every credential', () => {
  it('the table above covers every API route the server publishes', async () => {
    const app = await serverOn('0.0.0.0');
    await app.ready();
    expect(publishedRoutes(app)).toEqual(Object.keys(ROUTES).sort());
  });

  it('on a non-loopback host: no credential and bad credentials get 401, too small a role 403, enough role the answer', async () => {
    const app = await serverOn('0.0.0.0');
    await checkMatrix(app, false);
  });

  it('on loopback: reads are open to anyone on the machine; everything else needs the same credentials', async () => {
    const app = await serverOn('127.0.0.1');
    await checkMatrix(app, true);
  });

  it('fetches the issuer keys once and caches them; discovery finds them without a configured jwksUrl', async () => {
    const app = await serverOn('0.0.0.0');
    const jwt = creds.find((c) => c.name === 'JWT (viewer)')?.bearer as string;
    const hits = issuer.jwksHits();
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/api/v1/signals?limit=1', headers: { authorization: `Bearer ${jwt}` } })).statusCode).toBe(200);
    // One server instance, one key-set fetch however many tokens it checks.
    expect(issuer.jwksHits() - hits).toBe(1);
  });

  it('a key revoked through the API stops working at once, and the revocation is audited with who did it', async () => {
    const app = await serverOn('0.0.0.0');
    const admin = { authorization: `Bearer ${TOKEN}` };
    const made = await app.inject({ method: 'POST', url: '/api/v1/keys', payload: { name: 'short lived', role: 'operator' }, headers: admin });
    expect(made.statusCode).toBe(201);
    const { id, key } = made.json();
    expect(key).toMatch(new RegExp(`^mts_${id}_`));
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/keys', headers: admin })).json().items;
    expect(listed.find((k: { id: string }) => k.id === id)).toMatchObject({ name: 'short lived', role: 'operator', revoked_at: null });
    expect(JSON.stringify(listed)).not.toContain(key.split('_')[2]);
    const use = { authorization: `Bearer ${key}` };
    expect((await app.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: use })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/keys/${id}`, headers: admin })).statusCode).toBe(200);
    const after = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: use });
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toBe('key revoked');
    const log = (await app.inject({ method: 'GET', url: '/api/v1/audit?limit=3', headers: admin })).json();
    expect(log.items.map((e: { actor: string; action: string; result: string }) => [e.actor, e.action, e.result])).toEqual([
      [`key:${id}`, 'POST /api/v1/collect', 'denied'],
      ['token:bootstrap', 'DELETE /api/v1/keys/:id', 'ok'],
      [`key:${id} (short lived)`, 'POST /api/v1/collect', 'ok'],
    ]);
    // Reading the audit log is itself an admin action, so it is recorded too: one entry more, the rest one further down.
    const page2 = (await app.inject({ method: 'GET', url: '/api/v1/audit?limit=1&offset=2', headers: admin })).json();
    expect(page2.items[0].action).toBe('DELETE /api/v1/keys/:id');
    expect(page2.total).toBe(log.total + 1);
    expect((await store.security.listAudit({ limit: 1 })).items[0]).toMatchObject({ actor: 'token:bootstrap', action: 'GET /api/v1/audit', result: 'ok' });
  });

  it('validates admin input: a bad role, an unknown field, a malformed key id are 400s naming the problem', async () => {
    const app = await serverOn('0.0.0.0');
    const admin = { authorization: `Bearer ${TOKEN}` };
    const badRole = await app.inject({ method: 'POST', url: '/api/v1/keys', payload: { name: 'x', role: 'root' }, headers: admin });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().message).toMatch(/role must be one of viewer, operator, admin/);
    const extra = await app.inject({ method: 'POST', url: '/api/v1/keys', payload: { name: 'x', role: 'viewer', secret: 'mine' }, headers: admin });
    expect(extra.json().message).toMatch(/unknown parameter "secret"/);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/keys/NOT-A-KEY', headers: admin })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/audit?since=yesterday', headers: admin })).json().message).toMatch(/since: cannot read time "yesterday"/);
    expect((await app.inject({ method: 'POST', url: '/api/v1/strategies/no_such/pause', headers: admin })).statusCode).toBe(404);
  });
});
