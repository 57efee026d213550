/**
 * The backtest result document of SPEC §10: snake_case keys, times in epoch ms, keys always in the same order and
 * nothing from the wall clock, so the same inputs serialize to the same bytes.
 */
import { createHash } from 'node:crypto';
import type { TradeRecord } from '../execution/simulator.js';
import { type CurveSummary, type EquityCurve, type Metrics, computeMetrics, monthlyReturns } from './metrics.js';

export const BACKTEST_SCHEMA = 'mts.backtest/v1';

export interface DocumentTrade {
  symbol: string;
  side: 'LONG' | 'SHORT';
  entry_ts: number;
  entry_price: number;
  exit_ts: number | null;
  exit_price: number | null;
  quantity: number;
  pnl: number;
  fees: number;
  exit_reason: string | null;
}

export interface Assumptions {
  fee_bps: number;
  slippage_bps: number;
  fill: 'next_open';
  cash: number;
  impact: number;
  risk: boolean;
  size_override: number | null;
  base_timeframe: string;
  strategy_timeframe: string;
  brackets: 'stop_first';
  shorts: 'margin_free';
  open_positions: 'marked_at_close';
}

export interface BacktestDocument {
  schema: typeof BACKTEST_SCHEMA;
  id: string;
  strategy: string;
  params: Record<string, number | boolean | string>;
  symbols: string[];
  timeframe: string;
  from: number;
  to: number;
  assumptions: Assumptions;
  metrics: Metrics;
  trades: DocumentTrade[];
  equity: [number, number][];
  monthly_returns: { month: string; return: number }[];
  counts: { signals: number; risk_rejections: number; unfilled_orders: number; execution_notes: number };
  risk_rejections: { ts: number; symbol: string; side: string; reasons: string[] }[];
  execution_notes: { ts: number; symbol: string; kind: string; reason: string }[];
}

export function documentTrade(t: TradeRecord): DocumentTrade {
  return {
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
  };
}

/** Params with sorted keys, so the order they were given in never changes the bytes or the id. */
export function sortedParams(p: Readonly<Record<string, number | boolean | string>>): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const k of Object.keys(p).sort()) out[k] = p[k];
  return out;
}

/** A short stable id from everything that determines a run (settings and a fingerprint of the data). */
export function runId(parts: unknown, dataHash: string): string {
  return `bt_${createHash('sha256').update(JSON.stringify(parts)).update(dataHash).digest('hex').slice(0, 16)}`;
}

export interface DocumentInputs {
  id: string;
  strategy: string;
  params: Readonly<Record<string, number | boolean | string>>;
  symbols: readonly string[];
  timeframe: string;
  from: number;
  to: number;
  assumptions: Assumptions;
  curve: EquityCurve;
  /** The curve's summary if the loop made one (the metrics are the same from either). */
  summary?: CurveSummary;
  /** Closed trades, then the positions still open at the end (exit_reason end_of_data). */
  closed: readonly TradeRecord[];
  open: readonly TradeRecord[];
  fees: number;
  tradedNotional: number;
  exposure: number;
  signals: number;
  rejections: { ts: number; symbol: string; side: string; reasons: string[] }[];
  unfilled: number;
  notes: readonly { ts: number; symbol: string; kind: string; reason: string }[];
}

export function buildDocument(d: DocumentInputs): BacktestDocument {
  const metrics = computeMetrics({
    curve: d.summary ?? d.curve,
    trades: d.closed,
    initialCash: d.assumptions.cash,
    fees: d.fees,
    tradedNotional: d.tradedNotional,
    exposure: d.exposure,
  });
  const equity: [number, number][] = new Array(d.curve.length);
  for (let i = 0; i < d.curve.length; i++) equity[i] = [d.curve.ts[i], d.curve.equity[i]];
  return {
    schema: BACKTEST_SCHEMA,
    id: d.id,
    strategy: d.strategy,
    params: sortedParams(d.params),
    symbols: [...d.symbols],
    timeframe: d.timeframe,
    from: d.from,
    to: d.to,
    assumptions: { ...d.assumptions },
    metrics,
    trades: [...d.closed, ...d.open].map(documentTrade),
    equity,
    monthly_returns: monthlyReturns(d.curve),
    counts: { signals: d.signals, risk_rejections: d.rejections.length, unfilled_orders: d.unfilled, execution_notes: d.notes.length },
    risk_rejections: d.rejections.map((r) => ({ ts: r.ts, symbol: r.symbol, side: r.side, reasons: [...r.reasons] })),
    execution_notes: d.notes.map((n) => ({ ts: n.ts, symbol: n.symbol, kind: n.kind, reason: n.reason })),
  };
}

/** The document's bytes: compact JSON (key order is fixed by construction). */
export function serializeDocument(doc: BacktestDocument): string {
  return JSON.stringify(doc);
}
