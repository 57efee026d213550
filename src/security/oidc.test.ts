import { describe, expect, it } from 'vitest';
import { looksLikeJwt, roleFromClaims } from './oidc.js';

const map = { roleClaim: 'realm_access.roles', roleMap: { readers: 'viewer', ops: 'operator', admins: 'admin' } as const, defaultRole: undefined };

describe('OIDC role mapping', () => {
  it('reads a dotted claim path, and the highest mapped value wins whatever the order', () => {
    expect(roleFromClaims({ realm_access: { roles: ['staff', 'admins', 'readers'] } }, map)).toBe('admin');
    expect(roleFromClaims({ realm_access: { roles: ['readers', 'ops'] } }, map)).toBe('operator');
  });

  it('reads a space- or comma-separated string claim (OAuth `scope` style) and a claim literally named with dots', () => {
    expect(roleFromClaims({ scope: 'openid ops,profile' }, { ...map, roleClaim: 'scope' })).toBe('operator');
    expect(roleFromClaims({ 'https://mts/roles': ['readers'] }, { ...map, roleClaim: 'https://mts/roles' })).toBe('viewer');
  });

  it('nothing mapped: the default role if one is configured, else none', () => {
    expect(roleFromClaims({ realm_access: { roles: ['staff'] } }, map)).toBeUndefined();
    expect(roleFromClaims({}, map)).toBeUndefined();
    expect(roleFromClaims({ realm_access: { roles: ['staff'] } }, { ...map, defaultRole: 'viewer' })).toBe('viewer');
    // A non-string value never maps, even when its text would.
    expect(roleFromClaims({ realm_access: { roles: [{ name: 'admins' }] } }, map)).toBeUndefined();
  });

  it('only compact three-part tokens are treated as JWTs', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(true);
    expect(looksLikeJwt('mts_0123456789ab_secret')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d.e')).toBe(false);
  });
});
