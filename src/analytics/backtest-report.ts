/**
 * The backtest report (SPEC §10): metrics, equity and drawdown, price with entries and exits, monthly returns,
 * trades and the assumptions, as sections of a self-contained page (html.ts). Each shown metric carries its exact
 * value in `data-value`, so what the page says can be checked against the JSON document.
 */
import { isoTime } from '../core/time.js';
import type { BacktestDocument } from './document.js';
import { type ChartMarker, type ReportSection, escapeHtml, renderPage, table } from './html.js';

/** Close prices per symbol, [candle open ts, close], for the price charts. */
export type PriceSeries = ReadonlyMap<string, readonly (readonly [number, number])[]>;

const PERCENT = new Set(['total_return', 'cagr', 'volatility', 'max_drawdown', 'win_rate', 'exposure']);
const LABELS: Record<string, string> = {
  total_return: 'Total return',
  cagr: 'CAGR',
  volatility: 'Volatility (ann.)',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  max_drawdown: 'Max drawdown',
  max_drawdown_duration_ms: 'Max drawdown duration',
  max_drawdown_peak_ts: 'Drawdown peak',
  max_drawdown_trough_ts: 'Drawdown trough',
  max_drawdown_recovery_ts: 'Drawdown recovered',
  calmar: 'Calmar',
  trades: 'Closed trades',
  win_rate: 'Win rate',
  profit_factor: 'Profit factor',
  avg_win: 'Average win',
  avg_loss: 'Average loss',
  expectancy: 'Expectancy',
  exposure: 'Exposure',
  turnover: 'Turnover (× avg equity)',
  fees: 'Fees paid',
  final_equity: 'Final equity',
};

export function formatMetric(key: string, v: number | null): string {
  if (v === null) return '—';
  if (PERCENT.has(key)) return `${(v * 100).toFixed(2)}%`;
  if (key === 'max_drawdown_duration_ms') return `${(v / 86_400_000).toFixed(1)} days`;
  if (key.endsWith('_ts')) return isoTime(v).slice(0, 16).replace('T', ' ');
  if (key === 'trades') return String(v);
  return v.toFixed(Math.abs(v) >= 100 ? 2 : 4);
}

const signed = (v: number | null, text: string) => (v === null || v === 0 ? text : `<span class="${v > 0 ? 'pos' : 'neg'}">${text}</span>`);

function metricsSection(doc: BacktestDocument): ReportSection {
  const rows = Object.entries(doc.metrics).map(([k, v]) => [
    escapeHtml(LABELS[k] ?? k),
    `<span data-metric="${k}" data-value="${v === null ? 'null' : String(v)}">${formatMetric(k, v as number | null)}</span>`,
  ]);
  return { title: 'Metrics', html: table(['metric', 'value'], rows, 'kv metrics') };
}

function drawdownPoints(equity: readonly [number, number][]): [number, number][] {
  let peak = Number.NEGATIVE_INFINITY;
  return equity.map(([ts, e]) => {
    if (e > peak) peak = e;
    return [ts, peak > 0 ? e / peak - 1 : 0];
  });
}

function equitySection(doc: BacktestDocument, prefix: string): ReportSection {
  return {
    title: 'Equity and drawdown',
    html: '',
    charts: [
      { id: `${prefix}-equity`, lines: [{ name: 'equity', points: doc.equity, kind: 'area', color: '#2962ff' }] },
      { id: `${prefix}-drawdown`, height: 180, percent: true, lines: [{ name: 'drawdown', points: drawdownPoints(doc.equity), kind: 'area', color: '#b3261e' }] },
    ],
  };
}

function priceSections(doc: BacktestDocument, prices: PriceSeries, prefix: string): ReportSection[] {
  return doc.symbols
    .filter((s) => (prices.get(s)?.length ?? 0) > 0)
    .map((symbol, i) => {
      const markers: ChartMarker[] = [];
      // Letters only help when the markers do not pile up.
      const label = doc.trades.length <= 60;
      for (const t of doc.trades) {
        if (t.symbol !== symbol) continue;
        const long = t.side === 'LONG';
        markers.push({ ts: t.entry_ts, position: long ? 'belowBar' : 'aboveBar', shape: long ? 'arrowUp' : 'arrowDown', color: long ? '#0a7d3b' : '#b3261e', text: label ? (long ? 'L' : 'S') : '' });
        if (t.exit_ts !== null && t.exit_reason !== 'end_of_data') {
          markers.push({ ts: t.exit_ts, position: long ? 'aboveBar' : 'belowBar', shape: 'circle', color: '#5b6475', text: label ? (t.exit_reason === 'signal' ? 'x' : (t.exit_reason ?? '')) : '' });
        }
      }
      markers.sort((a, b) => a.ts - b.ts);
      return {
        title: `${symbol}: price with entries and exits`,
        html: `<div class="sub">▲ long entry, ▼ short entry, ● exit (x = signal, stop_loss, take_profit)</div>`,
        charts: [{ id: `${prefix}-price-${i}`, lines: [{ name: symbol, points: prices.get(symbol) as [number, number][], color: '#1d2330' }], markers }],
      };
    });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthlySection(doc: BacktestDocument): ReportSection {
  const years = new Map<string, (number | null)[]>();
  for (const m of doc.monthly_returns) {
    const [y, mm] = m.month.split('-');
    if (!years.has(y)) years.set(y, new Array(12).fill(null));
    (years.get(y) as (number | null)[])[Number(mm) - 1] = m.return;
  }
  const pct = (v: number | null) => (v === null ? '' : signed(v, `${(v * 100).toFixed(2)}%`));
  const rows = [...years.entries()].map(([y, ms]) => {
    const year = ms.reduce<number>((acc, r) => (r === null ? acc : acc * (1 + r)), 1) - 1;
    return [y, ...ms.map(pct), pct(year)];
  });
  return { title: 'Monthly returns', html: table(['year', ...MONTHS, 'year'], rows, 'monthly') };
}

const MAX_TRADE_ROWS = 5_000;

function tradesSection(doc: BacktestDocument): ReportSection {
  const time = (ts: number | null) => (ts === null ? '' : isoTime(ts).slice(0, 16).replace('T', ' '));
  const price = (p: number | null) => (p === null ? '' : p.toFixed(p >= 100 ? 2 : 6));
  const rows = doc.trades.slice(0, MAX_TRADE_ROWS).map((t, i) => [
    String(i + 1),
    escapeHtml(t.symbol),
    t.side,
    time(t.entry_ts),
    price(t.entry_price),
    time(t.exit_ts),
    price(t.exit_price),
    t.quantity.toPrecision(6),
    signed(t.pnl, t.pnl.toFixed(2)),
    t.fees.toFixed(2),
    escapeHtml(t.exit_reason ?? ''),
  ]);
  const more = doc.trades.length > MAX_TRADE_ROWS ? `<p>${doc.trades.length - MAX_TRADE_ROWS} more trades are in the JSON document.</p>` : '';
  return {
    title: `Trades (${doc.trades.length})`,
    html: table(['#', 'symbol', 'side', 'entry (UTC)', 'entry price', 'exit (UTC)', 'exit price', 'quantity', 'pnl', 'fees', 'exit reason'], rows, 'trades') + more,
  };
}

function assumptionsSection(doc: BacktestDocument): ReportSection {
  const a = doc.assumptions;
  const rows: string[][] = [
    ['Fill', 'a signal at a bar close fills at the next bar open (next_open)'],
    ['Taker fee', `${a.fee_bps} bps on every fill`],
    ['Slippage', `${a.slippage_bps} bps${a.impact > 0 ? ` + ${a.impact} × sqrt(quantity / bar volume)` : ''}; buys at open × (1 + s), sells at open × (1 − s)`],
    ['Starting cash', a.cash.toFixed(2)],
    ['Risk orchestrator', a.risk ? 'on (sizing, stops and limits from config.risk)' : 'off (--no-risk: the signal size, no limits)'],
    ['Size override', a.size_override === null ? 'none' : String(a.size_override)],
    ['Timeframes', `strategy ${a.strategy_timeframe}, fills on ${a.base_timeframe} bars`],
    ['Brackets', 'checked on each bar after entry; the stop wins when both are touched; a gap fills at the open'],
    ['Shorts', 'margin-free: proceeds to cash, liability marked at the close'],
    ['Open at the end', 'marked at the last close, not sold (exit reason end_of_data)'],
    ['Strategy', `${escapeHtml(doc.strategy)} ${escapeHtml(JSON.stringify(doc.params))}`],
    ['Period', `${isoTime(doc.from)} → ${isoTime(doc.to)}`],
    ['Run id', escapeHtml(doc.id)],
  ];
  return { title: 'Assumptions', html: table(['', ''], rows, 'kv assumptions') };
}

/**
 * The sections of a backtest report, for pages that combine several (the demo adds its own); `prefix` keeps chart
 * ids apart when one page shows more than one run.
 */
export function backtestSections(doc: BacktestDocument, prices: PriceSeries = new Map(), prefix = 'bt'): ReportSection[] {
  return [metricsSection(doc), equitySection(doc, prefix), ...priceSections(doc, prices, prefix), monthlySection(doc), tradesSection(doc), assumptionsSection(doc)];
}

export function backtestReportHtml(doc: BacktestDocument, prices: PriceSeries = new Map()): string {
  return renderPage({
    title: `Backtest: ${doc.strategy} on ${doc.symbols.join(', ')}`,
    subtitle: `${isoTime(doc.from).slice(0, 10)} → ${isoTime(doc.to).slice(0, 10)} · ${doc.timeframe} · run ${doc.id}`,
    sections: backtestSections(doc, prices),
  });
}
