import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatMetric, backtestReportHtml } from '../analytics/backtest-report.js';
import { type BacktestDocument, serializeDocument } from '../analytics/document.js';
import { pricesForReport } from '../backtest/prices.js';
import { runAndStore } from '../backtest/service.js';
import { addRunOptions, requestFromFlags, type RunFlags } from './backtest-options.js';
import type { CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { action } from './run.js';

/** The metrics as an aligned two-column table. */
export function metricsTable(doc: BacktestDocument): string {
  const rows = Object.entries(doc.metrics).map(([k, v]) => [k, formatMetric(k, v as number | null)]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

interface BacktestFlags extends RunFlags {
  out?: string;
  html?: string;
}

async function backtest(ctx: CommandContext, f: BacktestFlags): Promise<void> {
  const req = await requestFromFlags(ctx, f);
  const progress = progressReporter('backtest', 'bars', ctx.log, ctx.clock);
  req.onProgress = progress.update;
  const store = await ctx.store();
  let result: Awaited<ReturnType<typeof runAndStore>>;
  try {
    result = await runAndStore(store, req, ctx.clock.now());
  } finally {
    progress.stop();
  }
  const doc = result.document;
  const bytes = serializeDocument(doc);
  if (f.out) writeFileSync(f.out, bytes);
  if (f.html) writeFileSync(f.html, backtestReportHtml(doc, pricesForReport(doc, req.base)));
  if (ctx.json) {
    ctx.out(bytes);
    return;
  }
  ctx.out(`backtest ${doc.id}: ${doc.strategy} ${JSON.stringify(doc.params)} on ${doc.symbols.join(', ')}, ${new Date(doc.from).toISOString()} → ${new Date(doc.to).toISOString()}`);
  ctx.out(metricsTable(doc));
  if (doc.counts.unfilled_orders > 0) ctx.out(`(${doc.counts.unfilled_orders} order(s) from a signal on the last bar left unfilled)`);
  if (doc.counts.risk_rejections > 0) ctx.out(`(${doc.counts.risk_rejections} signal(s) rejected by risk; see risk_rejections in the JSON)`);
  ctx.out(`stored as run ${doc.id}; mts report --backtest ${doc.id} --html report.html`);
  if (f.out) ctx.out(`wrote ${f.out}`);
  if (f.html) ctx.out(`wrote ${f.html}`);
}

export function registerBacktest(program: Command): void {
  addRunOptions(program.command('backtest').description('event-driven backtest of a strategy on stored candles; stores the run and prints its metrics'))
    .option('--out <file>', 'write the JSON result document')
    .option('--html <file>', 'write the self-contained HTML report')
    .action(action(async (ctx, f: BacktestFlags) => backtest(ctx, f)));
}
