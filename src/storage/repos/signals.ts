import type { Signal } from '../../core/types.js';
import type { Backend } from '../backend.js';

export interface StoredAlert {
  id: string;
  ts: number;
  symbol: string;
  asset: string;
  alert_type: string;
  signal_type: string;
  confidence: number;
  strategy_name: string;
  file: string | null;
  body: Record<string, unknown>;
}

export interface DeliveryRecord {
  alertId: string;
  channel: string;
  /** A masked description of the target (never the webhook URL itself). */
  target: string;
  status: 'sent' | 'failed' | 'skipped' | 'pending';
  attempts: number;
  lastError?: string | null;
  ts: number;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
  symbol?: string;
  strategy?: string;
  from?: number;
  to?: number;
}

/** Signals, alerts and their deliveries. */
export class SignalRepo {
  constructor(private readonly backend: Backend) {}

  /** Idempotent per (strategy, symbol, ts). */
  async insertSignals(signals: readonly Signal[], now = Date.now()): Promise<number> {
    if (signals.length === 0) return 0;
    for (let i = 0; i < signals.length; i += 500) {
      await this.backend.db
        .insertInto('signals')
        .values(
          signals.slice(i, i + 500).map((s) => ({
            ts: s.ts,
            strategy: s.strategy,
            symbol: s.symbol,
            side: s.side,
            confidence: s.confidence,
            strength: s.strength,
            price: s.price,
            size: s.size,
            stop_loss: s.stopLoss,
            take_profit: s.takeProfit,
            meta: s.meta ? JSON.stringify(s.meta) : null,
            created_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['strategy', 'symbol', 'ts']).doUpdateSet((eb) => ({
            side: eb.ref('excluded.side'),
            confidence: eb.ref('excluded.confidence'),
            strength: eb.ref('excluded.strength'),
            price: eb.ref('excluded.price'),
            size: eb.ref('excluded.size'),
            stop_loss: eb.ref('excluded.stop_loss'),
            take_profit: eb.ref('excluded.take_profit'),
            meta: eb.ref('excluded.meta'),
          })),
        )
        .execute();
    }
    return signals.length;
  }

  async listSignals(q: PageQuery = {}): Promise<{ items: Signal[]; total: number }> {
    let base = this.backend.db.selectFrom('signals');
    if (q.symbol) base = base.where('symbol', '=', q.symbol);
    if (q.strategy) base = base.where('strategy', '=', q.strategy);
    if (q.from !== undefined) base = base.where('ts', '>=', q.from);
    if (q.to !== undefined) base = base.where('ts', '<=', q.to);
    const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base
      .selectAll()
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit ?? 100)
      .offset(q.offset ?? 0)
      .execute();
    return {
      total,
      items: rows.map((r) => ({
        ts: Number(r.ts),
        strategy: r.strategy,
        symbol: r.symbol,
        side: r.side as Signal['side'],
        confidence: r.confidence,
        strength: r.strength as Signal['strength'],
        price: r.price,
        size: r.size,
        stopLoss: r.stop_loss,
        takeProfit: r.take_profit,
        meta: r.meta ? JSON.parse(r.meta) : undefined,
      })),
    };
  }

  async insertAlert(a: StoredAlert, now = Date.now()): Promise<boolean> {
    const r = await this.backend.db
      .insertInto('alerts')
      .values({ ...a, body: JSON.stringify(a.body), created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async listAlerts(q: PageQuery = {}): Promise<{ items: StoredAlert[]; total: number }> {
    let base = this.backend.db.selectFrom('alerts');
    if (q.symbol) base = base.where('symbol', '=', q.symbol);
    if (q.strategy) base = base.where('strategy_name', '=', q.strategy);
    if (q.from !== undefined) base = base.where('ts', '>=', q.from);
    if (q.to !== undefined) base = base.where('ts', '<=', q.to);
    const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base.selectAll().orderBy('ts', 'desc').limit(q.limit ?? 100).offset(q.offset ?? 0).execute();
    return {
      total,
      items: rows.map(toAlert),
    };
  }

  /** Records the state of one delivery (alert × channel × target); later calls update it. */
  async recordDelivery(d: DeliveryRecord): Promise<void> {
    await this.backend.db
      .insertInto('deliveries')
      .values({ alert_id: d.alertId, channel: d.channel, target: d.target, status: d.status, attempts: d.attempts, last_error: d.lastError ?? null, ts: d.ts })
      .onConflict((oc) =>
        oc.columns(['alert_id', 'channel', 'target']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          attempts: eb.ref('excluded.attempts'),
          last_error: eb.ref('excluded.last_error'),
          ts: eb.ref('excluded.ts'),
        })),
      )
      .execute();
  }

  async getAlert(id: string): Promise<StoredAlert | undefined> {
    const r = await this.backend.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toAlert(r) : undefined;
  }

  /** Deliveries in one status (e.g. the pending queue), oldest `ts` first; with `dueBy`, only those with ts <= dueBy. */
  async deliveriesByStatus(status: DeliveryRecord['status'], opts: { dueBy?: number; limit?: number } = {}): Promise<DeliveryRecord[]> {
    let q = this.backend.db.selectFrom('deliveries').selectAll().where('status', '=', status);
    if (opts.dueBy !== undefined) q = q.where('ts', '<=', opts.dueBy);
    const rows = await q.orderBy('ts').orderBy('id').limit(opts.limit ?? 500).execute();
    return rows.map(toDelivery);
  }

  async listDeliveries(alertId?: string): Promise<DeliveryRecord[]> {
    let q = this.backend.db.selectFrom('deliveries').selectAll();
    if (alertId) q = q.where('alert_id', '=', alertId);
    const rows = await q.orderBy('id').execute();
    return rows.map(toDelivery);
  }
}

function toAlert(r: Omit<StoredAlert, 'ts' | 'body'> & { ts: number | string | bigint; body: string }): StoredAlert {
  return {
    id: r.id,
    ts: Number(r.ts),
    symbol: r.symbol,
    asset: r.asset,
    alert_type: r.alert_type,
    signal_type: r.signal_type,
    confidence: r.confidence,
    strategy_name: r.strategy_name,
    file: r.file,
    body: JSON.parse(r.body),
  };
}

function toDelivery(r: { alert_id: string; channel: string; target: string; status: string; attempts: number; last_error: string | null; ts: number | string | bigint }): DeliveryRecord {
  return {
    alertId: r.alert_id,
    channel: r.channel,
    target: r.target,
    status: r.status as DeliveryRecord['status'],
    attempts: r.attempts,
    lastError: r.last_error,
    ts: Number(r.ts),
  };
}
