/**
 * API keys: `mts_<id>_<secret>`, shown once at creation and stored only as a salted scrypt hash. The id part lets
 * a key be found without scanning; the secret is checked in constant time.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { Store } from '../storage/store.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

export function parseRole(x: string): Role {
  if (!isRole(x)) throw new InputError('E_ROLE', `--role: "${x}" is not a role; allowed: ${ROLES.join(', ')}`);
  return x;
}

/** Whether a principal with role `have` may do what needs `need` (admin ⊃ operator ⊃ viewer). */
export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

const KEY_RE = /^mts_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

function hashSecret(secret: string, salt: string): Buffer {
  return scryptSync(secret, Buffer.from(salt, 'hex'), 32, { N: 16384, r: 8, p: 1 });
}

export interface CreatedKey {
  id: string;
  name: string;
  role: Role;
  /** The full key; shown once, never stored. */
  key: string;
}

export async function createApiKey(store: Store, opts: { name: string; role: Role }, now = Date.now()): Promise<CreatedKey> {
  if (!/^[\w .@-]{1,64}$/.test(opts.name)) throw new InputError('E_KEY_NAME', `--name: "${opts.name}" must be 1-64 letters, digits, spaces or . _ @ -`);
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  await store.security.insertKey({ id, name: opts.name, role: opts.role, salt, hash: hashSecret(secret, salt).toString('hex'), createdAt: now, revokedAt: null, lastUsedAt: null });
  return { id, name: opts.name, role: opts.role, key: `mts_${id}_${secret}` };
}

export type KeyCheck = { ok: true; id: string; name: string; role: Role } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

/** Verified secrets by digest, so scrypt runs once per key per process; revocation is still read every time. */
const verified = new Map<string, string>();

export async function verifyApiKey(store: Store, presented: string, now = Date.now()): Promise<KeyCheck> {
  const m = KEY_RE.exec(presented);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, id, secret] = m;
  const rec = await store.security.getKey(id);
  if (!rec) return { ok: false, reason: 'unknown' };
  if (rec.revokedAt !== null) return { ok: false, reason: 'revoked' };
  const digest = createHash('sha256').update(presented).digest('hex');
  if (verified.get(digest) !== id) {
    const ok = timingSafeEqual(hashSecret(secret, rec.salt), Buffer.from(rec.hash, 'hex'));
    if (!ok) return { ok: false, reason: 'mismatch' };
    verified.set(digest, id);
  }
  if (!isRole(rec.role)) return { ok: false, reason: 'unknown' };
  await store.security.touchKey(id, now);
  return { ok: true, id, name: rec.name, role: rec.role };
}

/** Constant-time comparison of two secrets of any length (compares digests of equal length). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}
