import type { PositionSide } from '../../core/types.js';
import type { Backend } from '../backend.js';

/** The paper account: one row (id 1). `state` is the engine's own JSON (the execution simulator's state and more). */
export interface PaperAccount {
  cash: number;
  initialCash: number;
  realizedPnl: number;
  fees: number;
  state: string | null;
  updatedAt: number;
}

export interface PaperPositionRow {
  symbol: string;
  side: PositionSide;
  quantity: number;
  avgPrice: number;
  entryTs: number;
  stopLoss: number | null;
  takeProfit: number | null;
  strategy: string | null;
  alertId: string | null;
  fees: number;
}

export interface PaperTradeRow {
  symbol: string;
  side: PositionSide;
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  quantity: number;
  pnl: number;
  fees: number;
  exitReason: string;
  alertId: string | null;
  strategy: string | null;
}

export interface PaperFillRow {
  alertId: string | null;
  ts: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  price: number;
  fee: number;
  /** entry, signal, stop_loss, take_profit. */
  reason: string;
}

/** applied: the alert traded; rejected: valid but refused (risk, no price…); skipped: filtered (age, confidence, asset); malformed: quarantined. */
export type PaperAlertStatus = 'applied' | 'rejected' | 'skipped' | 'malformed';

export interface PaperAlertRecord {
  alertId: string;
  status: PaperAlertStatus;
  reason: string | null;
  file: string | null;
  appliedAt: number;
  alertTs: number | null;
  symbol: string | null;
  signalType: string | null;
}

export interface PaperEquityPoint {
  ts: number;
  equity: number;
  cash: number;
  inMarket: boolean;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Paper trading persistence: the account, positions, trades, fills, consumed alerts and the equity curve. */
export class PaperRepo {
  constructor(private readonly backend: Backend) {}

  async account(): Promise<PaperAccount | undefined> {
    const r = await this.backend.db.selectFrom('paper_account').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!r) return undefined;
    return { cash: num(r.cash), initialCash: num(r.initial_cash), realizedPnl: num(r.realized_pnl), fees: num(r.fees), state: r.state, updatedAt: num(r.updated_at) };
  }

  async saveAccount(a: PaperAccount): Promise<void> {
    const row = { id: 1, cash: a.cash, initial_cash: a.initialCash, realized_pnl: a.realizedPnl, fees: a.fees, state: a.state, updated_at: a.updatedAt };
    await this.backend.db
      .insertInto('paper_account')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, id: undefined }))
      .execute();
  }

  async positions(): Promise<PaperPositionRow[]> {
    const rows = await this.backend.db.selectFrom('paper_positions').selectAll().orderBy('symbol').execute();
    return rows.map((r) => ({
      symbol: r.symbol,
      side: r.side as PositionSide,
      quantity: num(r.quantity),
      avgPrice: num(r.avg_price),
      entryTs: num(r.entry_ts),
      stopLoss: numOrNull(r.stop_loss),
      takeProfit: numOrNull(r.take_profit),
      strategy: r.strategy,
      alertId: r.alert_id,
      fees: num(r.fees),
    }));
  }

  /** Replaces the whole position table (a handful of rows) with the engine's current book. */
  async replacePositions(positions: readonly PaperPositionRow[]): Promise<void> {
    await this.backend.db.deleteFrom('paper_positions').execute();
    if (positions.length === 0) return;
    await this.backend.db
      .insertInto('paper_positions')
      .values(
        positions.map((p) => ({
          symbol: p.symbol,
          side: p.side,
          quantity: p.quantity,
          avg_price: p.avgPrice,
          entry_ts: p.entryTs,
          stop_loss: p.stopLoss,
          take_profit: p.takeProfit,
          strategy: p.strategy,
          alert_id: p.alertId,
          fees: p.fees,
        })),
      )
      .execute();
  }

  async addTrades(trades: readonly PaperTradeRow[]): Promise<void> {
    if (trades.length === 0) return;
    await this.backend.db
      .insertInto('paper_trades')
      .values(
        trades.map((t) => ({
          symbol: t.symbol,
          side: t.side,
          entry_ts: t.entryTs,
          entry_price: t.entryPrice,
          exit_ts: t.exitTs,
          exit_price: t.exitPrice,
          quantity: t.quantity,
          pnl: t.pnl,
          fees: t.fees,
          exit_reason: t.exitReason,
          alert_id: t.alertId,
          strategy: t.strategy,
        })),
      )
      .execute();
  }

  /** Closed trades in the order they closed. */
  async trades(): Promise<PaperTradeRow[]> {
    const rows = await this.backend.db.selectFrom('paper_trades').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      symbol: r.symbol,
      side: r.side as PositionSide,
      entryTs: num(r.entry_ts),
      entryPrice: num(r.entry_price),
      exitTs: num(r.exit_ts),
      exitPrice: num(r.exit_price),
      quantity: num(r.quantity),
      pnl: num(r.pnl),
      fees: num(r.fees),
      exitReason: r.exit_reason,
      alertId: r.alert_id,
      strategy: r.strategy,
    }));
  }

  async addFills(fills: readonly PaperFillRow[]): Promise<void> {
    if (fills.length === 0) return;
    await this.backend.db
      .insertInto('paper_fills')
      .values(fills.map((f) => ({ alert_id: f.alertId, ts: f.ts, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee, reason: f.reason })))
      .execute();
  }

  async fills(): Promise<PaperFillRow[]> {
    const rows = await this.backend.db.selectFrom('paper_fills').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      alertId: r.alert_id,
      ts: num(r.ts),
      symbol: r.symbol,
      side: r.side as 'BUY' | 'SELL',
      quantity: num(r.quantity),
      price: num(r.price),
      fee: num(r.fee),
      reason: r.reason,
    }));
  }

  async alert(alertId: string): Promise<PaperAlertRecord | undefined> {
    const r = await this.backend.db.selectFrom('paper_alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
    return r ? toAlertRecord(r) : undefined;
  }

  /** Records a consumed alert; false when its id was already recorded (nothing written). */
  async recordAlert(a: PaperAlertRecord): Promise<boolean> {
    return (await this.recordAlerts([a])) === 1;
  }

  /** Records consumed alerts; returns how many were new (an id already recorded is left as it was). */
  async recordAlerts(alerts: readonly PaperAlertRecord[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const r = await this.backend.db
      .insertInto('paper_alerts')
      .values(
        alerts.map((a) => ({
          alert_id: a.alertId,
          status: a.status,
          reason: a.reason,
          file: a.file,
          applied_at: a.appliedAt,
          alert_ts: a.alertTs,
          symbol: a.symbol,
          signal_type: a.signalType,
        })),
      )
      .onConflict((oc) => oc.column('alert_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  /** The records of those of `ids` already consumed. */
  async alertsByIds(ids: readonly string[]): Promise<Map<string, PaperAlertRecord>> {
    const out = new Map<string, PaperAlertRecord>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.backend.db.selectFrom('paper_alerts').selectAll().where('alert_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.alert_id, toAlertRecord(r));
    }
    return out;
  }

  async alerts(status?: PaperAlertStatus): Promise<PaperAlertRecord[]> {
    let q = this.backend.db.selectFrom('paper_alerts').selectAll();
    if (status) q = q.where('status', '=', status);
    return (await q.orderBy('applied_at').orderBy('alert_id').execute()).map(toAlertRecord);
  }

  async alertCounts(): Promise<Record<PaperAlertStatus, number>> {
    const rows = await this.backend.db
      .selectFrom('paper_alerts')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<PaperAlertStatus, number> = { applied: 0, rejected: 0, skipped: 0, malformed: 0 };
    for (const r of rows) out[r.status as PaperAlertStatus] = Number(r.n);
    return out;
  }

  async addEquity(p: PaperEquityPoint): Promise<void> {
    const row = { ts: p.ts, equity: p.equity, cash: p.cash, in_market: p.inMarket ? 1 : 0 };
    await this.backend.db
      .insertInto('paper_equity')
      .values(row)
      .onConflict((oc) => oc.column('ts').doUpdateSet({ equity: p.equity, cash: p.cash, in_market: row.in_market }))
      .execute();
  }

  async equity(): Promise<PaperEquityPoint[]> {
    const rows = await this.backend.db.selectFrom('paper_equity').selectAll().orderBy('ts').execute();
    return rows.map((r) => ({ ts: num(r.ts), equity: num(r.equity), cash: num(r.cash), inMarket: Number(r.in_market) === 1 }));
  }

  /** Forgets everything: the account, positions, trades, fills, consumed alerts and the equity curve. */
  async reset(): Promise<void> {
    for (const t of ['paper_account', 'paper_positions', 'paper_trades', 'paper_fills', 'paper_alerts', 'paper_equity'] as const) {
      await this.backend.db.deleteFrom(t).execute();
    }
  }
}

function toAlertRecord(r: {
  alert_id: string;
  status: string;
  reason: string | null;
  file: string | null;
  applied_at: number;
  alert_ts: number | null;
  symbol: string | null;
  signal_type: string | null;
}): PaperAlertRecord {
  return {
    alertId: r.alert_id,
    status: r.status as PaperAlertStatus,
    reason: r.reason,
    file: r.file,
    appliedAt: num(r.applied_at),
    alertTs: numOrNull(r.alert_ts),
    symbol: r.symbol,
    signalType: r.signal_type,
  };
}
