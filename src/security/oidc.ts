/**
 * OIDC/OAuth 2.0 bearer tokens: a JWT signed by the configured issuer, verified with jose against the issuer's
 * JWKS (fetched once and cached by createRemoteJWKSet, refetched when an unknown key id shows up), with issuer,
 * audience and expiry checked; one claim is mapped to an MTS role.
 */
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { ROLES, type Role } from './keys.js';

export type OidcConfig = NonNullable<Config['http']['oidc']>;

/** A verified token names its subject; its role is undefined when the claim maps to none (the caller refuses it). */
export type JwtCheck = { ok: true; subject: string; role: Role | undefined } | { ok: false; reason: string };

/** Three base64url parts separated by dots: worth handing to the verifier. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** The value at a dotted path of the payload (`realm_access.roles`), or the claim literally named so. */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let cur: unknown = payload;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The highest role any claim value maps to, else the default role, else undefined. */
export function roleFromClaims(payload: JWTPayload, cfg: Pick<OidcConfig, 'roleClaim' | 'roleMap' | 'defaultRole'>): Role | undefined {
  const raw = claimAt(payload, cfg.roleClaim);
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[ ,]+/) : [];
  let best = -1;
  for (const v of values) {
    const role = typeof v === 'string' ? cfg.roleMap[v] : undefined;
    if (role) best = Math.max(best, ROLES.indexOf(role));
  }
  return best >= 0 ? ROLES[best] : cfg.defaultRole;
}

/** Why a token was refused, in words that help the operator and reveal nothing about the keys. */
function refusal(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim "${err.claim}" invalid (${err.reason})`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'signed by a key the issuer does not publish';
  if (err instanceof joseErrors.JWKSTimeout || (err instanceof joseErrors.JOSEError && err.code === 'ERR_JWKS_INVALID')) return 'issuer keys unavailable';
  if (err instanceof joseErrors.JOSEError) return `invalid token (${err.code})`;
  return 'issuer keys unavailable';
}

export interface OidcVerifier {
  verify(token: string): Promise<JwtCheck>;
}

export function createOidcVerifier(cfg: OidcConfig, clock: Clock, fetchImpl: typeof fetch = fetch): OidcVerifier {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  /** The key set, discovered from the issuer's metadata when no jwksUrl is configured (once; retried after a failure). */
  const keySet = async () => {
    if (jwks) return jwks;
    if (cfg.jwksUrl) return (jwks = createRemoteJWKSet(new URL(cfg.jwksUrl)));
    discovering ??= (async () => {
      const res = await fetchImpl(`${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`OIDC discovery answered HTTP ${res.status}`);
      const meta = (await res.json()) as { jwks_uri?: unknown };
      if (typeof meta.jwks_uri !== 'string') throw new Error('OIDC discovery document has no jwks_uri');
      return (jwks = createRemoteJWKSet(new URL(meta.jwks_uri)));
    })().catch((err) => {
      discovering = undefined;
      throw err;
    });
    return discovering;
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        const res = await jwtVerify(token, await keySet(), {
          issuer: cfg.issuer,
          audience: cfg.audience,
          clockTolerance: cfg.clockToleranceSec,
          currentDate: new Date(clock.now()),
          requiredClaims: ['exp', 'sub'],
        });
        payload = res.payload;
      } catch (err) {
        return { ok: false, reason: refusal(err) };
      }
      // Capped: the subject goes into the audit log and rate-limit keys.
      return { ok: true, subject: String(payload.sub).slice(0, 200), role: roleFromClaims(payload, cfg) };
    },
  };
}
