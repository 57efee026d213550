/**
 * A local OIDC issuer for tests: an HTTP server on 127.0.0.1 serving the discovery document and a JWKS, and a
 * signer for tokens (plus a second key pair that the issuer does not publish, for wrongly signed tokens).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export interface LocalIssuer {
  issuer: string;
  jwksUrl: string;
  /** Requests the server answered for the key set (to show it is fetched once and cached). */
  jwksHits: () => number;
  sign(claims: JWTPayload & { sub: string }, opts: { nowMs: number; expiresInS?: number; audience?: string; issuer?: string; foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const kid = 'test-key-1';
  const good = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(good.publicKey)), kid, alg: 'RS256', use: 'sig' };
  let hits = 0;
  let base = '';
  const server = http.createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    }
    if (req.url === '/jwks') {
      hits++;
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ keys: [jwk] }));
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: base,
    jwksUrl: `${base}/jwks`,
    jwksHits: () => hits,
    async sign(claims, opts) {
      const iat = Math.floor(opts.nowMs / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(opts.issuer ?? base)
        .setAudience(opts.audience ?? 'mts')
        .setIssuedAt(iat)
        .setExpirationTime(iat + (opts.expiresInS ?? 3600))
        .sign(opts.foreignKey ? foreign.privateKey : good.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
