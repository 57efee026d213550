/**
 * The demo's one-page HTML report: the (synthetic) sample market, the signals on the price charts, the strategies
 * side by side, the paper portfolio and the assumptions. Built from the analytics page renderer, so it is a single
 * file with the charts library inlined that opens from disk with no network.
 */
import type { BacktestDocument } from '../analytics/document.js';
import { type ChartLine, type ChartMarker, escapeHtml, type ReportSection, renderPage, table } from '../analytics/html.js';
import { DAY_MS, isoDate, isoTime } from '../core/time.js';
import type { CandleColumns, MacroObservation, Signal } from '../core/types.js';
import type { PaperReport } from '../paper/report.js';
import type { DemoResult } from './demo.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)}%`);
const fix = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const signed = (v: number | null | undefined) => `<span class="${(v ?? 0) >= 0 ? 'pos' : 'neg'}">${pct(v)}</span>`;

/** One point a day (the 00:00 UTC close), enough for two-year charts and keeps the file small. */
function daily(points: readonly (readonly [number, number])[]): [number, number][] {
  return points.filter(([ts]) => ts % DAY_MS === 0).map(([ts, v]) => [ts, v]);
}

export interface DemoReportInputs {
  result: DemoResult;
  candles: ReadonlyMap<string, CandleColumns>;
  macro: ReadonlyMap<string, readonly MacroObservation[]>;
  aggregated: readonly Signal[];
  documents: readonly BacktestDocument[];
  paperReport?: PaperReport;
}

function marketSection(i: DemoReportInputs): ReportSection {
  const lines: ChartLine[] = [];
  for (const [symbol, c] of i.candles) {
    const pts: [number, number][] = [];
    for (let k = 0; k < c.length; k += 24) pts.push([c.ts[k], c.close[k] / c.close[0]]);
    lines.push({ name: symbol, points: pts });
  }
  const vix = (i.macro.get('VIXCLS') ?? []).filter((o) => o.value !== null).map((o) => [o.date, o.value as number] as [number, number]);
  const m = i.result.stages.market;
  const rows = m.candles.map((c) => [escapeHtml(c.symbol), String(c.count), String(c.first_close), String(c.last_close), signed(c.last_close / c.first_close - 1)]);
  return {
    title: 'The sample market (synthetic)',
    html: `<p>A seeded, <b>synthetic</b> market (seed ${i.result.seed}), not real prices: ten assets at 1h with correlated returns, volatility regimes and jumps, and a VIX-like series that rises when crypto falls. Top: each asset's close divided by its first close. Bottom: the synthetic VIX.</p>${table(['symbol', 'candles', 'first close', 'last close', 'change'], rows)}`,
    charts: [
      { id: 'demo-market', height: 320, lines },
      { id: 'demo-vix', height: 160, lines: [{ name: 'VIXCLS (synthetic)', points: vix, color: '#b3261e' }] },
    ],
  };
}

function signalSections(i: DemoReportInputs): ReportSection[] {
  const out: ReportSection[] = [];
  for (const symbol of ['BTC/USDT', 'ETH/USDT', 'XRP/USDT']) {
    const c = i.candles.get(symbol);
    if (!c) continue;
    const from = i.result.stages.signals.from;
    const pts: [number, number][] = [];
    for (let k = 0; k < c.length; k++) if (c.ts[k] >= from && (c.ts[k] + 3_600_000) % (6 * 3_600_000) === 0) pts.push([c.ts[k] + 3_600_000, c.close[k]]);
    const mine = i.aggregated.filter((s) => s.symbol === symbol && s.confidence >= i.result.stages.signals.alert_min_confidence);
    // at most one marker a day per side keeps the chart readable
    const seen = new Set<string>();
    const markers: ChartMarker[] = [];
    for (const s of mine) {
      const k = `${Math.floor(s.ts / DAY_MS)}|${s.side}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const ts = Math.ceil(s.ts / (6 * 3_600_000)) * 6 * 3_600_000;
      markers.push(
        s.side === 'LONG'
          ? { ts, position: 'belowBar', shape: 'arrowUp', color: '#0a7d3b' }
          : s.side === 'SHORT'
            ? { ts, position: 'aboveBar', shape: 'arrowDown', color: '#b3261e' }
            : { ts, position: 'aboveBar', shape: 'circle', color: '#5b6475' },
      );
    }
    markers.sort((a, b) => a.ts - b.ts);
    const longs = mine.filter((s) => s.side === 'LONG').length;
    const shorts = mine.filter((s) => s.side === 'SHORT').length;
    out.push({
      title: `Signals on ${symbol}`,
      html: `<p>Aggregated alerts (confidence ≥ ${i.result.stages.signals.alert_min_confidence}): ${longs} LONG (green, below), ${shorts} SHORT (red, above), ${mine.length - longs - shorts} CLOSE (grey); one marker per day and side.</p>`,
      charts: [{ id: `demo-sig-${symbol.replace('/', '-')}`, height: 280, lines: [{ name: symbol, points: pts }], markers }],
    });
  }
  return out;
}

function strategiesSection(i: DemoReportInputs): ReportSection {
  const lines: ChartLine[] = i.documents.map((d) => ({ name: d.strategy, points: daily(d.equity) }));
  const perStrategy = new Map(i.result.stages.signals.per_strategy.map((p) => [p.strategy, p]));
  const rows = i.documents.map((d) => {
    const m = d.metrics;
    return [
      `<b>${escapeHtml(d.strategy)}</b>`,
      String(perStrategy.get(d.strategy)?.signals ?? i.result.stages.signals.aggregated),
      String(m.trades),
      String(d.counts.risk_rejections),
      signed(m.total_return),
      pct(m.cagr),
      fix(m.sharpe),
      fix(m.sortino),
      pct(m.max_drawdown),
      pct(m.win_rate),
      fix(m.profit_factor),
      `${fix(m.fees, 0)}`,
      fix(m.final_equity, 0),
    ];
  });
  return {
    title: 'Strategies side by side',
    html: `<p>Each built-in strategy and the weighted aggregate, backtested on the same period with the same costs and risk limits. Equity curves, one point a day.</p>${table(
      ['strategy', 'signals', 'trades', 'risk rejections', 'return', 'CAGR', 'Sharpe', 'Sortino', 'max DD', 'win rate', 'profit factor', 'fees', 'final equity'],
      rows,
      'strategies',
    )}`,
    charts: [{ id: 'demo-equity', height: 320, lines }],
  };
}

function paperSection(i: DemoReportInputs): ReportSection {
  const r = i.paperReport as PaperReport;
  const p = i.result.stages.paper;
  const st = r.status;
  const rows = st.positions.map((x) => [escapeHtml(x.symbol), x.side, fix(x.quantity, 6), fix(x.avg_price, 4), fix(x.market_price, 4), fix(x.unrealized_pnl)]);
  const reasons = p.refusal_reasons.map((x) => [escapeHtml(x.reason), String(x.count)]);
  return {
    title: 'Paper portfolio (the alerts replayed)',
    html: `<p>The ${p.alerts_read} alert files above, read back and replayed through the paper trader on a virtual clock with the backtest's fill rules: ${p.applied} applied, ${p.refused} refused or skipped. Equity ${fix(st.equity)} (${signed(p.total_return)}), cash ${fix(st.cash)}, ${st.trades} closed trades, max drawdown ${pct(p.max_drawdown)}.</p>
${rows.length ? table(['symbol', 'side', 'quantity', 'avg price', 'market price', 'unrealized P&L'], rows) : '<p>No open positions at the end.</p>'}
${reasons.length ? `<h3>Why alerts were not applied</h3>${table(['reason', 'alerts'], reasons)}` : ''}`,
    charts: [{ id: 'demo-paper-equity', height: 260, lines: [{ name: 'paper equity', points: r.document.equity.map(([t, v]) => [t, v] as [number, number]), kind: 'area' }] }],
  };
}

function assumptionsSection(i: DemoReportInputs): ReportSection {
  const a = i.documents[0]?.assumptions;
  const rows: string[][] = [
    ['Data', '<b>synthetic</b> sample market generated by MTS from a seed; not real prices'],
    ['Period traded', `${isoTime(i.result.stages.signals.from)} → ${isoTime(i.result.stages.signals.to)} (the months before are warm-up)`],
    ['Fills', 'a signal at a bar’s close fills at the next bar’s open; a signal on the last bar does not fill'],
    ['Slippage', a ? `${a.slippage_bps} bps per fill (buys at open × (1 + s), sells at open × (1 − s))` : '—'],
    ['Fees', a ? `${a.fee_bps} bps taker fee on every fill` : '—'],
    ['Brackets', 'stop-loss and take-profit checked on each later bar’s high and low; the stop wins when both are touched; a gap through a stop fills at the open'],
    ['Cash', a ? `${a.cash} starting cash; cash never goes negative` : '—'],
    ['Risk', 'every entry passes the risk orchestrator (sizing, drawdown and daily-loss halts, position/asset/sector caps, heat, reward/risk)'],
    ['Macro', 'an observation dated D is usable from D + 1 day 00:00 UTC; the last value carries over weekends'],
  ];
  return { title: 'Assumptions', html: table(['', ''], rows, 'kv') };
}

export function demoReportHtml(i: DemoReportInputs): string {
  const m = i.result.stages.market;
  return renderPage({
    title: 'MTS demo — synthetic sample market',
    subtitle: `SYNTHETIC DATA · seed ${i.result.seed} · ${isoDate(Date.parse(m.from))} → ${isoDate(Date.parse(m.to))} · generated by mts demo`,
    sections: [strategiesSection(i), ...(i.paperReport ? [paperSection(i)] : []), ...signalSections(i), marketSection(i), assumptionsSection(i)],
  });
}
