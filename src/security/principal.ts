/**
 * Who is asking: the bearer credential of a request resolved to a principal with a role. Three kinds are accepted —
 * the bootstrap MTS_API_TOKEN (admin), an API key from `mts keys` (its stored role; revoked keys refused) and a
 * JWT from the configured OIDC issuer (role from a claim). No credential at all is the anonymous principal; whether
 * that is enough is the route's and the binding's decision, not this module's.
 */
import crypto from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Store } from '../storage/store.js';
import { type Role, verifyApiKey } from './keys.js';
import { looksLikeJwt, type OidcVerifier } from './oidc.js';

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/** Compares SHA-256 digests with crypto.timingSafeEqual, so neither content nor length leaks through timing. */
export function tokensMatch(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

export interface Principal {
  kind: 'token' | 'key' | 'jwt' | 'anonymous';
  /** For the audit log: `token:bootstrap`, `key:<id> (<name>)`, `jwt:<subject>`, `anonymous`. */
  actor: string;
  /** Undefined for the anonymous principal and for a JWT whose claim maps to no role. */
  role: Role | undefined;
  /** What rate limits count against: the credential, or the client address when there is none. */
  rateKey?: string;
}

export type Authentication = { ok: true; principal: Principal } | { ok: false; actor: string; reason: string };

export const ANONYMOUS: Principal = { kind: 'anonymous', actor: 'anonymous', role: undefined };

export interface AuthenticatorOptions {
  store: Store;
  clock: Clock;
  /** MTS_API_TOKEN: the bootstrap admin credential. */
  token?: string;
  oidc?: OidcVerifier;
}

export class Authenticator {
  constructor(private readonly o: AuthenticatorOptions) {}

  async authenticate(bearer: string | undefined): Promise<Authentication> {
    if (bearer === undefined) return { ok: true, principal: ANONYMOUS };
    // Compared first and always, so the time a wrong token takes says nothing about the kinds tried after it.
    const isToken = this.o.token !== undefined && tokensMatch(bearer, this.o.token);
    if (isToken) return { ok: true, principal: { kind: 'token', actor: 'token:bootstrap', role: 'admin', rateKey: 'token:bootstrap' } };
    if (bearer.startsWith('mts_')) {
      const k = await verifyApiKey(this.o.store, bearer, this.o.clock.now());
      if (k.ok) return { ok: true, principal: { kind: 'key', actor: `key:${k.id} (${k.name})`, role: k.role, rateKey: `key:${k.id}` } };
      const id = /^mts_([0-9a-f]{12})_/.exec(bearer)?.[1];
      const reason = k.reason === 'revoked' ? 'key revoked' : k.reason === 'malformed' ? 'malformed key' : 'invalid key';
      return { ok: false, actor: id ? `key:${id}` : 'anonymous', reason };
    }
    if (this.o.oidc && looksLikeJwt(bearer)) {
      const j = await this.o.oidc.verify(bearer);
      if (!j.ok) return { ok: false, actor: 'jwt', reason: j.reason };
      return { ok: true, principal: { kind: 'jwt', actor: `jwt:${j.subject}`, role: j.role, rateKey: `jwt:${j.subject}` } };
    }
    return { ok: false, actor: 'anonymous', reason: 'invalid token' };
  }
}
