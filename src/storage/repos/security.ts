import type { Backend } from '../backend.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: string;
  salt: string;
  hash: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface AuditEntry {
  ts: number;
  /** Who: `key:<id> (<name>)`, `jwt:<subject>`, `token:bootstrap`, `cli:<user>` or `anonymous`. */
  actor: string;
  /** What: the route (`POST /api/v1/collect`) or command (`keys create`). */
  action: string;
  /** From where: the client IP, or `cli`. */
  origin: string;
  /** `ok`, `denied`, `error` or an HTTP status. */
  result: string;
  detail?: string | null;
}

/** API keys (hashes only) and the audit log. */
export class SecurityRepo {
  constructor(private readonly backend: Backend) {}

  async insertKey(k: ApiKeyRecord): Promise<void> {
    await this.backend.db
      .insertInto('api_keys')
      .values({ id: k.id, name: k.name, role: k.role, salt: k.salt, hash: k.hash, created_at: k.createdAt, revoked_at: k.revokedAt, last_used_at: k.lastUsedAt })
      .execute();
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.backend.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toKey(r) : undefined;
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.backend.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute()).map(toKey);
  }

  async revokeKey(id: string, ts: number): Promise<boolean> {
    const r = await this.backend.db.updateTable('api_keys').set({ revoked_at: ts }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touchKey(id: string, ts: number): Promise<void> {
    await this.backend.db.updateTable('api_keys').set({ last_used_at: ts }).where('id', '=', id).execute();
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.backend.db
      .insertInto('audit_log')
      .values({ ts: e.ts, actor: e.actor, action: e.action, origin: e.origin, result: e.result, detail: e.detail ?? null })
      .execute();
  }

  async listAudit(q: { since?: number; limit?: number; offset?: number } = {}): Promise<{ items: AuditEntry[]; total: number }> {
    let base = this.backend.db.selectFrom('audit_log');
    if (q.since !== undefined) base = base.where('ts', '>=', q.since);
    const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base
      .selectAll()
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit ?? 100)
      .offset(q.offset ?? 0)
      .execute();
    return { total, items: rows.map((r) => ({ ts: Number(r.ts), actor: r.actor, action: r.action, origin: r.origin, result: r.result, detail: r.detail })) };
  }
}

function toKey(r: { id: string; name: string; role: string; salt: string; hash: string; created_at: number; revoked_at: number | null; last_used_at: number | null }): ApiKeyRecord {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return { id: r.id, name: r.name, role: r.role, salt: r.salt, hash: r.hash, createdAt: Number(r.created_at), revokedAt: n(r.revoked_at), lastUsedAt: n(r.last_used_at) };
}
