/**
 * Bearer-token checks. Tokens are compared as SHA-256 digests with crypto.timingSafeEqual, so neither the content
 * nor the length of the configured token leaks through response timing.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ConfigError } from '../core/errors.js';

/** True for hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/** Refuses a non-loopback host without a token (SPEC §12); the CLI turns this into exit code 2. */
export function assertSafeBinding(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token) {
    throw new ConfigError(
      'E_HTTP_TOKEN_REQUIRED',
      `http.host "${host}" is reachable from other machines: set MTS_API_TOKEN (at least 16 characters) or bind to 127.0.0.1`,
    );
  }
}

export { tokensMatch } from '../security/principal.js';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}
