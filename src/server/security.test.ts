import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT, tempDir } from '../../test/helpers/env.js';
import { monitoringConfig, seedMonitoringData } from '../../test/helpers/monitoring-seed.js';
import { secretValues } from '../config/index.js';
import { VirtualClock } from '../core/clock.js';
import { ConfigError, exitCodeFor, InputError } from '../core/errors.js';
import { openStore, type Store } from '../storage/store.js';
import { isLoopbackHost, tokensMatch } from './auth.js';
import { createServer } from './server.js';

const TOKEN = 'tok-0123456789abcdef-XYZ';
const SECRETS = {
  http: { apiToken: TOKEN },
  sources: { coingecko: { apiKey: 'CG-secretkey-4242' }, fred: { apiKey: 'fredkey0123456789abcdef0123456789' } },
  notifiers: {
    discordWebhookUrls: ['https://discord.com/api/webhooks/123/abcdefSECRETdiscord'],
    webhookUrls: ['https://hooks.example.com/mts/SECRETpath'],
    webhookSecret: 'hmac-secret-value-77',
    smtpUrl: 'smtp://mailer:SMTPpassw0rd@127.0.0.1:2525',
    emailTo: ['ops@example.com'],
  },
};

let store: Store;
const clock = new VirtualClock(0);
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(tempDir(), 'sec.db')}`);
  const seed = await seedMonitoringData(store);
  clock.set(seed.now);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await store.close();
});
afterEach(() => vi.restoreAllMocks());

async function server(extra: Parameters<typeof monitoringConfig>[0], triggers?: Parameters<typeof createServer>[0]['triggers']) {
  const app = await createServer({ config: monitoringConfig(extra), store, clock, triggers });
  apps.push(app);
  return app;
}

describe('binding and tokens', () => {
  it('tells loopback hosts from reachable ones', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses to build a server on a non-loopback host without a token, as a config error (exit 2)', async () => {
    const err = await createServer({ config: monitoringConfig({ http: { host: '0.0.0.0' } }), store, clock }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('E_HTTP_TOKEN_REQUIRED');
    expect(err.message).toMatch(/0\.0\.0\.0.*MTS_API_TOKEN/);
    expect(exitCodeFor(err)).toBe(2);
  });

  it('`mts serve` on a non-loopback host without MTS_API_TOKEN exits 2 with the reason', () => {
    const dir = tempDir();
    const env = { ...process.env, MTS_HTTP_HOST: '0.0.0.0', MTS_API_TOKEN: '', MTS_DATA_DIR: dir };
    delete (env as Record<string, string | undefined>).MTS_API_TOKEN;
    const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), 'serve', '--port', '0'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/E_HTTP_TOKEN_REQUIRED/);
  });

  it('compares tokens as equal-length digests with crypto.timingSafeEqual', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(tokensMatch('short', TOKEN)).toBe(false);
    expect(tokensMatch(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it('on a non-loopback host every /api route needs the token; health, metrics and the page do not', async () => {
    const app = await server({ http: { host: '0.0.0.0', apiToken: TOKEN } });
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    const none = await app.inject({ method: 'GET', url: '/api/v1/signals' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/candles?symbol=BTC/USDT&timeframe=1h', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('invalid token');
    expect(spy).toHaveBeenCalled();
    const ok = await app.inject({ method: 'GET', url: '/api/v1/signals', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    for (const url of ['/health', '/metrics', '/']) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/' })).headers['x-mts-auth']).toBe('bearer');
  });
});

describe('the POST routes that start work', () => {
  it('on loopback, reads are open but POST needs an operator credential; without one it is refused', async () => {
    const open = await server({});
    expect((await open.inject({ method: 'GET', url: '/api/v1/signals' })).statusCode).toBe(200);
    const refused = await open.inject({ method: 'POST', url: '/api/v1/collect', payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/operator role.*MTS_API_TOKEN/);

    const guarded = await server({ http: { apiToken: TOKEN } }, { collect: async () => ({ stored: 1 }) });
    expect((await guarded.inject({ method: 'POST', url: '/api/v1/collect', payload: {} })).statusCode).toBe(401);
    expect((await guarded.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: { authorization: 'Bearer wrong-token-000000000' } })).statusCode).toBe(401);
    // The token is checked before the body is even validated.
    expect((await guarded.inject({ method: 'POST', url: '/api/v1/collect', payload: { source: 'nasdaq' } })).statusCode).toBe(401);
  });

  it('runs the wired handler with the validated request and returns its result', async () => {
    const seen: unknown[] = [];
    const app = await server(
      { http: { apiToken: TOKEN } },
      {
        collect: async (req) => {
          seen.push(req);
          return { calls: 3 };
        },
        signals: async (req) => {
          seen.push(req);
          return { signals: 2, alerts: 1 };
        },
      },
    );
    const auth = { authorization: `Bearer ${TOKEN}` };
    const c = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: { source: 'binance', assets: ['BTC', 'ETH/USDT'] }, headers: auth });
    expect(c.statusCode).toBe(200);
    expect(c.json()).toEqual({ status: 'done', result: { calls: 3 } });
    const s = await app.inject({ method: 'POST', url: '/api/v1/signals', payload: { strategies: ['sma_cross'], at: '2025-12-01T00:00:00Z' }, headers: auth });
    expect(s.json()).toEqual({ status: 'done', result: { signals: 2, alerts: 1 } });
    const empty = await app.inject({ method: 'POST', url: '/api/v1/collect', headers: auth });
    expect(empty.statusCode).toBe(200);
    expect(seen).toEqual([{ source: 'binance', assets: ['BTC', 'ETH/USDT'] }, { strategies: ['sma_cross'], at: Date.UTC(2025, 11, 1) }, { source: 'all', assets: undefined }]);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: { source: 'nasdaq' }, headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/source must be one of binance, coingecko, fred, all/);
    const badTime = await app.inject({ method: 'POST', url: '/api/v1/signals', payload: { at: 'soon' }, headers: auth });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().message).toMatch(/at: cannot read time "soon"/);
  });

  it('answers 503 with a clear message when no handler is wired, and maps handler errors', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const none = await server({ http: { apiToken: TOKEN } });
    const res = await none.inject({ method: 'POST', url: '/api/v1/signals', payload: {}, headers: auth });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/no signals handler is running in this process/);
    const failing = await server({ http: { apiToken: TOKEN } }, {
      collect: async () => {
        throw new InputError('E_ASSET', 'unknown asset FOO');
      },
      signals: async () => {
        throw new Error('boom');
      },
    });
    const a = await failing.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: auth });
    expect(a.statusCode).toBe(400);
    expect(a.json()).toMatchObject({ code: 'E_ASSET', message: 'unknown asset FOO' });
    const b = await failing.inject({ method: 'POST', url: '/api/v1/signals', payload: {}, headers: auth });
    expect(b.statusCode).toBe(500);
  });

  it('limits request bodies', async () => {
    const app = await server({ http: { apiToken: TOKEN } }, { collect: async () => null });
    const big = { assets: Array.from({ length: 3000 }, (_, i) => `COIN${i}/USDT`) };
    const res = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: big, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(413);
  });
});

describe('rate limits', () => {
  it('answers 429 with retry-after once one address passes its per-minute budget on /api; health stays open', async () => {
    const app = await server({ http: { rateLimitPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: '/api/v1/signals?limit=1' })).statusCode).toBe(200);
    const limited = await app.inject({ method: 'GET', url: '/api/v1/alerts' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'too_many_requests', message: expect.stringMatching(/at most 3 requests per minute/) });
    // Another address has its own budget; probes are not limited.
    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts', remoteAddress: '127.0.0.2' })).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('no secret in any response', () => {
  it('keeps keys, tokens, webhook URLs and passwords out of every route, even when stored errors contain them', async () => {
    const config = monitoringConfig(SECRETS);
    const secrets = secretValues(config);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    // Errors recorded by other modules may carry a URL with a key or a webhook address.
    await store.ops.recordApiCalls([{ ts: clock.now() - 1000, source: 'fred', endpoint: 'series/observations', status: 500, latencyMs: 5, error: `GET https://api.stlouisfed.org/fred?api_key=${SECRETS.sources.fred.apiKey} failed` }]);
    await store.signals.recordDelivery({ alertId: 'x', channel: 'discord', target: 'discord#1', status: 'failed', attempts: 3, lastError: `POST ${SECRETS.notifiers.discordWebhookUrls[0]} -> 500`, ts: clock.now() });
    const app = await createServer({
      config,
      store,
      clock,
      triggers: {
        collect: async () => {
          throw new Error(`request to ${SECRETS.notifiers.webhookUrls[0]} failed with key ${SECRETS.sources.coingecko.apiKey}`);
        },
      },
    });
    apps.push(app);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const urls = [
      '/health',
      '/metrics',
      '/',
      '/docs/json',
      '/api/v1/sources',
      '/api/v1/signals',
      '/api/v1/alerts',
      '/api/v1/candles?symbol=BTC/USDT&timeframe=1h&limit=5',
      '/api/v1/macro',
      '/api/v1/portfolio',
      '/api/v1/positions',
      '/api/v1/trades',
      '/api/v1/backtests',
      '/api/v1/backtests/bt-sma-btc',
    ];
    const bodies: string[] = [];
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode, url).toBeLessThan(500);
      bodies.push(res.body);
    }
    const post = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: auth });
    expect(post.statusCode).toBe(500);
    bodies.push(post.body);
    const health = JSON.parse(bodies[0]);
    expect(health.components.sources.fred.reason).toMatch(/last call failed: .*api_key=\*\*\*/);
    expect(health.components.notifiers.reason).toMatch(/discord \(POST \*\*\* -> 500\)/);
    for (const [i, body] of bodies.entries()) {
      for (const s of secrets) expect(body.includes(s), `${urls[i] ?? 'POST /api/v1/collect'} leaks a secret`).toBe(false);
    }
  });
});
