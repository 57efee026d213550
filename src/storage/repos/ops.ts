import type { Backend } from '../backend.js';

export interface ApiCall {
  ts: number;
  source: string;
  endpoint: string;
  /** HTTP status, or 0 when no response came (timeout, connection refused). */
  status: number;
  latencyMs: number;
  weight?: number;
  error?: string | null;
}

export interface SchedulerItemState {
  item: string;
  lastRun: number | null;
  lastSuccess: number | null;
  lastError: string | null;
  failures: number;
  nextRun: number | null;
  /** Data stored up to this time (exclusive), for catch-up. */
  dataUntil: number | null;
}

/** API-call accounting, scheduler state and a small key/value store for run state (e.g. backfill progress). */
export class OpsRepo {
  constructor(private readonly backend: Backend) {}

  async recordApiCalls(calls: readonly ApiCall[]): Promise<void> {
    if (calls.length === 0) return;
    await this.backend.db
      .insertInto('api_calls')
      .values(
        calls.map((c) => ({
          ts: c.ts,
          source: c.source,
          endpoint: c.endpoint,
          status: c.status,
          latency_ms: c.latencyMs,
          weight: c.weight ?? 1,
          error: c.error ?? null,
        })),
      )
      .execute();
  }

  /** Calls, errors and weight per source since a time. */
  async apiCallStats(since = 0): Promise<{ source: string; calls: number; errors: number; weight: number; avgLatencyMs: number }[]> {
    const rows = await this.backend.db
      .selectFrom('api_calls')
      .select((eb) => [
        'source',
        eb.fn.countAll<number>().as('calls'),
        eb.fn.sum<number>(eb.case().when('status', '>=', 400).then(1).when('status', '=', 0).then(1).else(0).end()).as('errors'),
        eb.fn.sum<number>('weight').as('weight'),
        eb.fn.avg<number>('latency_ms').as('avg'),
      ])
      .where('ts', '>=', since)
      .groupBy('source')
      .orderBy('source')
      .execute();
    return rows.map((r) => ({ source: r.source, calls: Number(r.calls), errors: Number(r.errors ?? 0), weight: Number(r.weight ?? 0), avgLatencyMs: Number(r.avg ?? 0) }));
  }

  async getSchedulerState(item: string): Promise<SchedulerItemState | undefined> {
    const r = await this.backend.db.selectFrom('scheduler_state').selectAll().where('item', '=', item).executeTakeFirst();
    return r ? toState(r) : undefined;
  }

  async listSchedulerState(): Promise<SchedulerItemState[]> {
    return (await this.backend.db.selectFrom('scheduler_state').selectAll().orderBy('item').execute()).map(toState);
  }

  async putSchedulerState(s: SchedulerItemState, now = Date.now()): Promise<void> {
    const row = {
      item: s.item,
      last_run: s.lastRun,
      last_success: s.lastSuccess,
      last_error: s.lastError,
      failures: s.failures,
      next_run: s.nextRun,
      data_until: s.dataUntil,
      updated_at: now,
    };
    await this.backend.db
      .insertInto('scheduler_state')
      .values(row)
      .onConflict((oc) => oc.column('item').doUpdateSet({ ...row, item: undefined }))
      .execute();
  }

  async getKv<T = unknown>(key: string): Promise<T | undefined> {
    const r = await this.backend.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  async setKv(key: string, value: unknown, now = Date.now()): Promise<void> {
    const v = JSON.stringify(value);
    await this.backend.db
      .insertInto('kv')
      .values({ key, value: v, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: now }))
      .execute();
  }

  async deleteKv(key: string): Promise<void> {
    await this.backend.db.deleteFrom('kv').where('key', '=', key).execute();
  }
}

function toState(r: {
  item: string;
  last_run: number | null;
  last_success: number | null;
  last_error: string | null;
  failures: number;
  next_run: number | null;
  data_until: number | null;
}): SchedulerItemState {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    item: r.item,
    lastRun: n(r.last_run),
    lastSuccess: n(r.last_success),
    lastError: r.last_error,
    failures: Number(r.failures),
    nextRun: n(r.next_run),
    dataUntil: n(r.data_until),
  };
}
