/**
 * `mts demo`: the whole pipeline offline on the seeded sample market. Each stage adds its part of the result
 * document (<data-dir>/reports/demo.json) and of the terminal summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../storage/store.js';
import { StrategyRegistry } from '../strategies/registry.js';
import { type BacktestStageResult, runBacktestStage } from './backtest-stage.js';
import { type MarketStageResult, runMarketStage } from './market-stage.js';
import { type PaperStageResult, runPaperStage } from './paper-stage.js';
import { demoReportHtml } from './report.js';
import { runSignalsStage, type SignalsStageResult } from './signals-stage.js';

export interface DemoOptions {
  seed: number;
  /** Called as each stage starts, for progress output. */
  progress?: (stage: string, detail?: string) => void;
}

export interface DemoResult {
  schema: 'mts.demo/v1';
  synthetic: true;
  seed: number;
  stages: { market: MarketStageResult; signals: SignalsStageResult; backtests: BacktestStageResult; paper: PaperStageResult };
  files: { json: string; html: string };
}

export async function runDemo(config: Config, store: Store, log: Logger, opts: DemoOptions): Promise<DemoResult> {
  const progress = opts.progress ?? (() => {});
  const reportsDir = path.join(config.dataDir, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const registry = new StrategyRegistry();

  progress('market', 'building the seeded sample market (synthetic)');
  const { market, result: marketResult } = await runMarketStage(store, opts.seed);

  progress('signals', `${registry.list().length} strategies over the sample period, aggregated into alerts`);
  const signals = await runSignalsStage({ store, config, registry, start: market.start, end: market.end, alertsDir: path.join(config.dataDir, 'demo', 'alerts'), log });

  progress('backtests', 'every built-in strategy and the aggregate');
  const backtests = await runBacktestStage({
    store,
    config,
    registry,
    from: signals.result.from,
    to: market.end - 3_600_000,
    aggregated: signals.aggregated,
    onStrategy: (name) => progress('backtests', name),
  });

  progress('paper', `replaying ${signals.result.alerts} alerts through the paper trader on a virtual clock`);
  const paper = await runPaperStage({ store, config, log, alertsDir: signals.result.alerts_dir, candles: market.candles, from: signals.result.from, to: market.end });

  progress('report', 'JSON and HTML');
  const json = path.join(reportsDir, 'demo.json');
  const html = path.join(reportsDir, 'demo.html');
  const result: DemoResult = {
    schema: 'mts.demo/v1',
    synthetic: true,
    seed: opts.seed,
    stages: { market: marketResult, signals: signals.result, backtests: backtests.result, paper: paper.result },
    files: { json, html },
  };
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(html, demoReportHtml({ result, candles: market.candles, macro: market.macro, aggregated: signals.aggregated, documents: backtests.documents, paperReport: paper.report }));
  return result;
}

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(2));

/** The terminal summary of a demo run. */
export function formatDemoSummary(r: DemoResult): string {
  const lines: string[] = [];
  const m = r.stages.market;
  lines.push(`MTS demo — ${m.label}, seed ${r.seed}, ${m.from.slice(0, 10)} .. ${m.to.slice(0, 10)}`);
  lines.push(`market: ${m.candles.length} assets × ${m.candles[0]?.count ?? 0} hourly candles; macro: ${m.macro.map((s) => s.series).join(', ')}`);
  const s = r.stages.signals;
  lines.push(`signals: ${s.per_strategy.map((p) => `${p.strategy} ${p.signals}`).join(', ')}; aggregated ${s.aggregated}, alerts ${s.alerts}`);
  if (s.failures.length) lines.push(`  failed: ${s.failures.map((f) => `${f.strategy}: ${f.error}`).join('; ')}`);
  lines.push('');
  lines.push('strategy           trades    return    sharpe    max dd');
  for (const b of r.stages.backtests.runs) {
    lines.push(`${b.strategy.padEnd(16)} ${String(b.trades).padStart(8)} ${pct(b.total_return).padStart(9)} ${num(b.sharpe).padStart(9)} ${pct(b.max_drawdown).padStart(9)}`);
  }
  const p = r.stages.paper;
  lines.push('');
  lines.push(`paper: ${p.alerts_read} alerts replayed, ${p.applied} applied, ${p.refused} refused; ${p.trades} closed trades, ${p.open_positions} open; equity ${p.equity.toFixed(2)} (${pct(p.total_return)}), max dd ${pct(p.max_drawdown)}`);
  lines.push('');
  lines.push(`report: ${r.files.html}`);
  lines.push(`result: ${r.files.json}`);
  return lines.join('\n');
}
