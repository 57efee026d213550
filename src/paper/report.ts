/**
 * The paper trading report: the same result document and HTML sections as a backtest's (SPEC §10), from the
 * paper account's equity curve and trades, so one reader and one page layout serve both.
 */
import { backtestSections, type PriceSeries } from '../analytics/backtest-report.js';
import { BACKTEST_SCHEMA, type BacktestDocument } from '../analytics/document.js';
import { monthlyReturns } from '../analytics/metrics.js';
import { escapeHtml, renderPage, table } from '../analytics/html.js';
import type { Config } from '../config/schema.js';
import { isoTime } from '../core/time.js';
import type { Store } from '../storage/store.js';
import { type PaperStatus, paperHistory } from './status.js';

export interface PaperReport {
  document: BacktestDocument;
  status: PaperStatus;
}

export async function paperReport(store: Store, config: Config, now: number): Promise<PaperReport> {
  const { status, trades, curve } = await paperHistory(store, config, now);
  const equity = curve.map((p) => [p.ts, p.equity] as [number, number]);
  const symbols = [...new Set([...trades.map((t) => t.symbol), ...status.positions.map((p) => p.symbol)])].sort();
  const open = status.positions.map((p) => ({
    symbol: p.symbol,
    side: p.side,
    entry_ts: p.entry_ts,
    entry_price: p.avg_price,
    exit_ts: now,
    exit_price: p.market_price,
    quantity: p.quantity,
    pnl: p.unrealized_pnl ?? 0,
    fees: 0,
    exit_reason: 'end_of_data',
  }));
  const document: BacktestDocument = {
    schema: BACKTEST_SCHEMA,
    id: 'paper',
    strategy: 'paper',
    params: {},
    symbols,
    timeframe: config.paper.timeframe,
    from: curve[0].ts,
    to: now,
    assumptions: {
      fee_bps: config.backtest.feeBps,
      slippage_bps: config.backtest.slippageBps,
      fill: 'next_open',
      cash: status.initial_cash,
      impact: config.backtest.impact,
      risk: true,
      size_override: null,
      base_timeframe: config.paper.timeframe,
      strategy_timeframe: config.paper.timeframe,
      brackets: 'stop_first',
      shorts: 'margin_free',
      open_positions: 'marked_at_close',
    },
    metrics: status.metrics,
    trades: [
      ...trades.map((t) => ({
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
      })),
      ...open,
    ],
    equity,
    monthly_returns: monthlyReturns({ ts: equity.map((e) => e[0]), equity: equity.map((e) => e[1]), length: equity.length }),
    counts: { signals: status.alerts_applied + status.alerts_rejected, risk_rejections: status.alerts.rejected, unfilled_orders: 0, execution_notes: 0 },
    risk_rejections: [],
    execution_notes: [],
  };
  return { document, status };
}

/** The self-contained HTML page: the account, then the backtest report's sections. */
export function paperReportHtml(r: PaperReport, prices: PriceSeries = new Map()): string {
  const s = r.status;
  const account = table(
    ['', ''],
    [
      ['Cash', s.cash.toFixed(2)],
      ['Equity', s.equity.toFixed(2)],
      ['Open positions', String(s.positions.length)],
      ['Alerts applied', String(s.alerts_applied)],
      ['Alerts refused, skipped or malformed', `${s.alerts.rejected} / ${s.alerts.skipped} / ${s.alerts.malformed}`],
      ['As of', escapeHtml(isoTime(s.ts))],
    ],
    'kv',
  );
  return renderPage({
    title: 'Paper trading',
    subtitle: `${escapeHtml(isoTime(r.document.from))} → ${escapeHtml(isoTime(r.document.to))}`,
    sections: [{ title: 'Account', html: account }, ...backtestSections(r.document, prices, 'paper')],
  });
}
