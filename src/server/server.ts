/**
 * The monitoring server (SPEC §12): health, metrics, the REST API, OpenAPI docs and the dashboard. Built as a
 * Fastify instance from injected parts so `mts serve`, `mts run` and the tests all use the same thing.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { type Config, scrub, secretValues } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import { ErrorKind, MtsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { DashboardRepo } from '../storage/repos/dashboard.js';
import { createOidcVerifier } from '../security/oidc.js';
import { Authenticator } from '../security/principal.js';
import type { Store } from '../storage/store.js';
import { backtestRoutes } from './api/backtests.js';
import { marketRoutes } from './api/market.js';
import { portfolioRoutes } from './api/portfolio.js';
import { signalRoutes } from './api/signals.js';
import { accessControl, rateKeyOf } from './access.js';
import { adminRoutes } from './api/admin.js';
import { assertSafeBinding, isLoopbackHost } from './auth.js';
import type { ServerContext } from './context.js';
import { dashboardRoutes } from './dashboard.js';
import { HealthChecker, type HealthReport } from './health.js';
import { metricsRoute, requestMetrics } from './metrics.js';
import type { HealthProvider, PriceLookup, TriggerHandlers } from './providers.js';

export interface ServerOptions {
  config: Config;
  store: Store;
  clock: Clock;
  providers?: HealthProvider;
  triggers?: TriggerHandlers;
  logger?: Logger;
  /** Largest request body accepted, in bytes (413 above). */
  bodyLimit?: number;
  /** How long the database may take to answer the health ping. */
  dbTimeoutMs?: number;
  /** Latest prices from Redis (scale-out); storage answers without it. */
  prices?: PriceLookup;
  /** Used for OIDC discovery (tests pass their own). */
  fetch?: typeof fetch;
}

const healthComponent = { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' }, detail: { type: 'object', additionalProperties: true } } };

/**
 * Builds the server (not yet listening). Throws ConfigError (exit 2) when the configured host is reachable from
 * other machines and no MTS_API_TOKEN is set.
 */
export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { config, store, clock } = opts;
  const host = config.http.host;
  const token = config.http.apiToken;
  assertSafeBinding(host, token);
  const loopback = isLoopbackHost(host);

  const fastifyOpts: FastifyServerOptions = {
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    // Unknown query keys are a 400 rather than silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  };
  const app = Fastify(opts.logger ? { ...fastifyOpts, loggerInstance: opts.logger } : fastifyOpts) as unknown as FastifyInstance;

  const ctx: ServerContext = {
    config,
    store,
    repo: new DashboardRepo(store, store.candles),
    clock,
    providers: opts.providers ?? {},
    triggers: opts.triggers ?? {},
    secrets: secretValues(config),
    ...(opts.prices ? { prices: opts.prices } : {}),
  };
  const oidc = config.http.oidc ? createOidcVerifier(config.http.oidc, clock, opts.fetch) : undefined;
  const authenticator = new Authenticator({ store, clock, token, oidc });
  const checker = new HealthChecker({ store, repo: ctx.repo, config, clock, providers: ctx.providers, dbTimeoutMs: opts.dbTimeoutMs });

  app.addSchema(healthReportSchema());
  requestMetrics(app);
  securityHeaders(app);
  app.setErrorHandler((err: any, req, reply) => {
    const message = scrub(err instanceof Error ? err.message : String(err), ctx.secrets);
    if (err.validation) return reply.code(400).send({ error: 'bad_request', message: validationMessage(err) });
    if (err instanceof MtsError && (err.kind === ErrorKind.Input || err.kind === ErrorKind.Config)) {
      return reply.code(400).send({ error: 'bad_request', code: err.code, message });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'bad_request', message });
    }
    req.log.error({ err: message, route: req.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: 'internal', message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(swagger, {
    openapi: {
      info: { title: 'MTS monitoring API', version: '1', description: 'Health, metrics and the read API of MTS. Times are UTC epoch ms.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'MTS_API_TOKEN, an API key from `mts keys create`, or a JWT of the configured OIDC issuer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get(
    '/health',
    {
      schema: {
        summary: 'Component health; 200 when ok or degraded, 503 when down',
        tags: ['monitoring'],
        response: {
          '2xx': { $ref: 'healthReport#' },
          503: { $ref: 'healthReport#' },
        },
      },
    },
    async (_req, reply) => {
      const report: HealthReport = await checker.check();
      return reply.code(report.status === 'down' ? 503 : 200).send(report);
    },
  );

  await app.register(metricsRoute(ctx));

  await app.register(
    async (api) => {
      // Credentials first (no answer yet), then the limiter keyed by the credential or the address, then the decision.
      accessControl(api, { authenticator, loopback, store, clock, log: opts.logger });
      const max = config.http.rateLimitPerMinute;
      if (max > 0) {
        await api.register(rateLimit, {
          max,
          timeWindow: 60_000,
          keyGenerator: rateKeyOf,
          errorResponseBuilder: (req, c) =>
            Object.assign(new Error(`rate limit: at most ${c.max} requests per minute ${req.principal?.rateKey ? 'per credential' : 'from one address'}; retry in ${c.after}`), {
              statusCode: 429,
              code: 'too_many_requests',
            }),
        });
      }
      await api.register(marketRoutes(ctx));
      await api.register(signalRoutes(ctx));
      await api.register(portfolioRoutes(ctx));
      await api.register(backtestRoutes(ctx));
      await api.register(adminRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );

  await app.register(dashboardRoutes({ authRequired: !loopback }));
  return app;
}

/** Headers every answer carries: no MIME sniffing, no referrer leaking API paths, never framed by another site. */
function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    return payload;
  });
}

/** Names the offending field: `querystring: unknown parameter "limt"`, `querystring/limit must be <= 1000`. */
function validationMessage(err: { validation: { keyword: string; params: Record<string, unknown>; instancePath: string; message?: string }[]; validationContext?: string; message: string }): string {
  const where = err.validationContext ?? 'request';
  const parts = err.validation.map((v) => {
    const field = v.instancePath ? v.instancePath.slice(1).replace(/\//g, '.') : '';
    if (v.keyword === 'additionalProperties') return `${where}: unknown parameter "${String(v.params.additionalProperty)}"`;
    if (v.keyword === 'required') return `${where}: missing required parameter "${String(v.params.missingProperty)}"`;
    if (v.keyword === 'enum') return `${where}${field ? `.${field}` : ''} must be one of ${(v.params.allowedValues as unknown[]).join(', ')}`;
    return `${where}${field ? `.${field}` : ''} ${v.message ?? 'is invalid'}`;
  });
  return parts.length ? parts.join('; ') : err.message;
}

/** Registers the health report schema once (shared by the 200 and 503 responses). */
export function healthReportSchema() {
  return {
    $id: 'healthReport',
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
      timestamp: { type: 'string' },
      components: {
        type: 'object',
        properties: {
          database: healthComponent,
          scheduler: healthComponent,
          sources: { type: 'object', properties: { binance: healthComponent, coingecko: healthComponent, fred: healthComponent } },
          paper: healthComponent,
          notifiers: healthComponent,
          streams: { type: 'object', additionalProperties: healthComponent },
          redis: healthComponent,
        },
      },
    },
  };
}

/** Starts listening on the configured host and port; returns the address. */
export async function startServer(app: FastifyInstance, config: Config): Promise<string> {
  return app.listen({ host: config.http.host, port: config.http.port });
}
