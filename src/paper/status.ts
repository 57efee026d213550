/**
 * The paper account as `mts paper status` and reports show it, read from the database alone (the engine may be
 * running in another process): the stored book, positions marked to their latest stored prices, closed trades,
 * alert counts and the SPEC §10 metrics over the recorded equity curve (plus the current point).
 */
import { type Metrics, computeMetrics } from '../analytics/metrics.js';
import type { Config } from '../config/schema.js';
import type { Timeframe } from '../core/time.js';
import type { PaperAlertStatus, PaperEquityPoint, PaperTradeRow } from '../storage/repos/paper.js';
import type { Store } from '../storage/store.js';
import { PaperBook } from './book.js';
import { paperCosts } from './engine.js';
import { PriceBook } from './prices.js';

export interface StatusPosition {
  symbol: string;
  side: 'LONG' | 'SHORT';
  quantity: number;
  avg_price: number;
  /** null when the symbol has no price at all (then unrealized_pnl is null too). */
  market_price: number | null;
  unrealized_pnl: number | null;
  stop_loss: number | null;
  take_profit: number | null;
  entry_ts: number;
}

export interface PaperStatus {
  ts: number;
  initial_cash: number;
  cash: number;
  equity: number;
  realized_pnl: number;
  fees: number;
  positions: StatusPosition[];
  /** Closed trades. */
  trades: number;
  alerts_applied: number;
  /** Alerts consumed without trading (refused, skipped) plus quarantined files. */
  alerts_rejected: number;
  alerts: Record<PaperAlertStatus, number>;
  metrics: Metrics;
}

export interface PaperHistory {
  status: PaperStatus;
  trades: PaperTradeRow[];
  /** The recorded equity curve with the current point at the end. */
  curve: PaperEquityPoint[];
}

/** Reads the account, marks it at the latest stored prices and computes the metrics. */
export async function paperHistory(store: Store, config: Config, now: number): Promise<PaperHistory> {
  const costs = paperCosts(config);
  const account = await store.paper.account();
  const book = account?.state ? PaperBook.restore(account.state, config.assets, costs) : PaperBook.create(config.assets, config.paper.cash, costs, now);
  const sim = book.sim;
  const prices = new PriceBook(config.paper.timeframe as Timeframe);
  const positions: StatusPosition[] = [];
  for (const p of book.positions()) {
    const k = sim.indexOf(p.symbol);
    const q = await prices.quote(store, p.symbol, now);
    if (q) sim.markClose(k, q.price);
    const priced = Number.isFinite(sim.mark[k]);
    positions.push({
      symbol: p.symbol,
      side: p.side,
      quantity: p.quantity,
      avg_price: p.avgPrice,
      market_price: priced ? sim.mark[k] : null,
      unrealized_pnl: priced ? sim.unrealizedPnl(k) : null,
      stop_loss: p.stopLoss,
      take_profit: p.takeProfit,
      entry_ts: p.entryTs,
    });
  }
  const trades = await store.paper.trades();
  const counts = await store.paper.alertCounts();
  const equity = sim.equity();
  const curve = (await store.paper.equity()).filter((p) => p.ts < now);
  // The engine records the opening point when it creates the account; a never-started account starts now.
  if (curve.length === 0) curve.push({ ts: now, equity: sim.initialCash, cash: sim.initialCash, inMarket: false });
  curve.push({ ts: now, equity, cash: sim.cash, inMarket: sim.inMarket() });
  const exposure = curve.length > 1 ? curve.slice(1).filter((p) => p.inMarket).length / (curve.length - 1) : 0;
  const metrics = computeMetrics({
    curve: { ts: curve.map((p) => p.ts), equity: curve.map((p) => p.equity), length: curve.length },
    trades,
    initialCash: sim.initialCash,
    fees: sim.fees,
    tradedNotional: sim.tradedNotional,
    exposure,
  });
  return {
    status: {
      ts: now,
      initial_cash: sim.initialCash,
      cash: sim.cash,
      equity,
      realized_pnl: sim.realizedPnl,
      fees: sim.fees,
      positions,
      trades: trades.length,
      alerts_applied: counts.applied,
      alerts_rejected: counts.rejected + counts.skipped + counts.malformed,
      alerts: counts,
      metrics,
    },
    trades,
    curve,
  };
}

export async function paperStatus(store: Store, config: Config, now: number): Promise<PaperStatus> {
  return (await paperHistory(store, config, now)).status;
}
