/**
 * GET /: the dashboard, a single page (dashboard/*) that polls the API. Every asset is served from this process,
 * lightweight-charts from its installed package, so the page works with no network access.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface Asset {
  body: Buffer;
  type: string;
}

function load(file: string, type: string): Asset {
  return { body: readFileSync(file), type };
}

/** Only our own origin may be contacted; the page runs no inline script. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DashboardOptions {
  /** The API needs a bearer token (non-loopback host): the page asks for it. */
  authRequired?: boolean;
}

export function dashboardRoutes(opts: DashboardOptions = {}) {
  const chartsDir = path.join(path.dirname(require.resolve('lightweight-charts/package.json')), 'dist');
  const assets: Record<string, Asset> = {
    '/': load(path.join(here, 'dashboard', 'index.html'), 'text/html; charset=utf-8'),
    '/dashboard/app.css': load(path.join(here, 'dashboard', 'app.css'), 'text/css; charset=utf-8'),
    '/dashboard/app.js': load(path.join(here, 'dashboard', 'app.js'), 'text/javascript; charset=utf-8'),
    '/dashboard/lightweight-charts.js': load(path.join(chartsDir, 'lightweight-charts.standalone.production.js'), 'text/javascript; charset=utf-8'),
  };
  return async (app: FastifyInstance) => {
    for (const [url, asset] of Object.entries(assets)) {
      app.get(url, { schema: { hide: true } }, async (_req, reply) =>
        reply
          .type(asset.type)
          .header('content-security-policy', CSP)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', url === '/' ? 'no-cache' : 'public, max-age=300')
          .header('x-mts-auth', opts.authRequired ? 'bearer' : 'none')
          .send(asset.body),
      );
    }
    app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.code(204).send());
  };
}
