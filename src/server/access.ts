/**
 * Access control of /api/v1: every route declares the role it needs (`config: { role }`), every request's bearer
 * credential is resolved to a principal, and every failed authentication and every mutating request goes to the
 * audit log. The order of the hooks matters:
 *   onRequest (scope)  resolve the credential, remember the principal or the failure — no answer yet;
 *   onRequest (route)  the rate limiter, keyed by the credential, else by the client address, so failed guesses
 *                      count against the address and one busy key never slows another;
 *   preParsing         decide: 401 / 403 before the body is read, audited;
 *   onSend             audit the outcome of every mutating request that got through.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { isRole, type Role, roleAllows } from '../security/keys.js';
import type { Authenticator, Principal } from '../security/principal.js';
import type { Store } from '../storage/store.js';
import { bearerToken } from './auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role that may call the route. */
    role?: Role;
  }
  interface FastifyRequest {
    principal?: Principal;
    authFailure?: { actor: string; reason: string };
    /** Set by a route to say more in its audit entry (never a secret). */
    auditDetail?: string;
    audited?: boolean;
  }
}

export interface AccessOptions {
  authenticator: Authenticator;
  /** Bound to loopback: anonymous reads are allowed (SPEC §12). */
  loopback: boolean;
  store: Store;
  clock: Clock;
  log?: Logger;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Mutating: a method that changes something, or a route that needs more than the viewer role. */
function isMutating(req: FastifyRequest): boolean {
  const role = req.routeOptions.config?.role;
  return !READ_METHODS.has(req.method) || (role !== undefined && role !== 'viewer');
}

function resultOf(status: number): string {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'denied';
  return 'error';
}

export function rateKeyOf(req: FastifyRequest): string {
  return req.principal?.rateKey ?? `ip:${req.ip}`;
}

/** Registers the hooks on the API scope; call before the rate limiter and the routes are registered. */
export function accessControl(api: FastifyInstance, o: AccessOptions): void {
  const audit = async (req: FastifyRequest, actor: string, result: string, detail: string) => {
    req.audited = true;
    try {
      await o.store.security.audit({ ts: o.clock.now(), actor, action: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`, origin: req.ip, result, detail });
    } catch (err) {
      // The request's answer does not depend on the audit write; the failure is loud in the log instead.
      (o.log ?? req.log).error({ err: err instanceof Error ? err.message : String(err) }, 'audit log write failed');
    }
  };

  const refuse = async (req: FastifyRequest, reply: FastifyReply, status: 401 | 403, actor: string, message: string) => {
    await audit(req, actor, 'denied', `HTTP ${status}: ${message}`);
    if (status === 401) {
      req.log.warn({ route: req.routeOptions.url, ip: req.ip, actor }, 'authentication failed');
      void reply.header('www-authenticate', 'Bearer realm="mts"');
    }
    return reply.code(status).send({ error: status === 401 ? 'unauthorized' : 'forbidden', message });
  };

  api.addHook('onRoute', (route) => {
    // A route without a declared role would be open by accident; refuse to build the server instead.
    if (!isRole(route.config?.role)) throw new Error(`route ${String(route.method)} ${route.url} declares no role (config: { role })`);
  });

  api.addHook('onRequest', async (req) => {
    const auth = await o.authenticator.authenticate(bearerToken(req));
    if (auth.ok) req.principal = auth.principal;
    else req.authFailure = { actor: auth.actor, reason: auth.reason };
  });

  api.addHook('preParsing', async (req, reply, payload) => {
    const need = req.routeOptions.config?.role;
    if (!need) return payload;
    if (req.authFailure) return refuse(req, reply, 401, req.authFailure.actor, req.authFailure.reason);
    const p = req.principal;
    if (!p || p.kind === 'anonymous') {
      // On loopback anyone on this machine may read; everything else needs a credential.
      if (o.loopback && need === 'viewer') return payload;
      return refuse(req, reply, 401, 'anonymous', `this route needs the ${need} role: send Authorization: Bearer <MTS_API_TOKEN, an API key from \`mts keys create\`, or an OIDC token>`);
    }
    if (!p.role) return refuse(req, reply, 403, p.actor, 'the token is valid but its role claim maps to no MTS role');
    if (!roleAllows(p.role, need)) return refuse(req, reply, 403, p.actor, `this route needs the ${need} role; ${p.actor} has ${p.role}`);
    return payload;
  });

  // Audited before the answer leaves, so a client that has its answer can rely on the entry being there.
  api.addHook('onSend', async (req, reply, payload) => {
    if (req.audited || !req.routeOptions.config?.role) return payload;
    if (req.authFailure) {
      // Refused before the decision (the rate limiter): still a failed authentication.
      await audit(req, req.authFailure.actor, 'denied', `HTTP ${reply.statusCode}: ${req.authFailure.reason}`);
    } else if (isMutating(req)) {
      await audit(req, req.principal?.actor ?? 'anonymous', resultOf(reply.statusCode), `HTTP ${reply.statusCode}${req.auditDetail ? `: ${req.auditDetail}` : ''}`);
    }
    return payload;
  });
}
