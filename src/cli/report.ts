import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { backtestReportHtml } from '../analytics/backtest-report.js';
import type { BacktestDocument } from '../analytics/document.js';
import { InputError } from '../core/errors.js';
import { parseTimeframe, TIMEFRAMES } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { pricesForReport } from '../backtest/prices.js';
import { MarketLoader } from '../signals/market.js';
import { metricsTable } from './backtest.js';
import { paperReportCommand } from './paper.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

interface ReportFlags {
  backtest?: string;
  paper?: boolean;
  html?: string;
  /** `--json <file>`: the global --json flag takes the option, so the file arrives as the command's operand. */
  jsonFile?: string;
}

async function backtestReport(ctx: CommandContext, id: string, f: ReportFlags): Promise<void> {
  const store = await ctx.store();
  if (id === 'latest') {
    const latest = (await store.backtests.list({ status: 'finished', limit: 1 }))[0];
    if (!latest) throw new InputError('E_REPORT_UNKNOWN', 'no finished backtest run yet; run mts backtest first');
    id = latest.id;
  }
  const row = await store.backtests.get(id);
  if (!row) throw new InputError('E_REPORT_UNKNOWN', `no backtest run "${id}"; runs are listed with their ids by mts backtest`);
  if (row.status !== 'finished') {
    throw new InputError('E_REPORT_UNFINISHED', `backtest run ${id} is ${row.status}${row.error ? `: ${row.error}` : ''}; only finished runs have a report`);
  }
  const bytes = (await store.backtests.document(id)) as string;
  const doc = JSON.parse(bytes) as BacktestDocument;
  if (f.jsonFile) writeFileSync(f.jsonFile, bytes);
  if (f.html) {
    const tf = parseTimeframe(doc.timeframe);
    const loader = new MarketLoader(store, doc.to);
    const base = new Map<string, CandleColumns>();
    for (const s of doc.symbols) base.set(s, await loader.candles(s, tf, doc.from - TIMEFRAMES[tf]));
    writeFileSync(f.html, backtestReportHtml(doc, pricesForReport(doc, base)));
  }
  if (ctx.json && !f.jsonFile) {
    ctx.out(bytes);
    return;
  }
  ctx.out(`backtest ${doc.id}: ${doc.strategy} ${JSON.stringify(doc.params)} on ${doc.symbols.join(', ')}`);
  ctx.out(metricsTable(doc));
  if (f.jsonFile) ctx.out(`wrote ${f.jsonFile}`);
  if (f.html) ctx.out(`wrote ${f.html}`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('performance report of a stored backtest run or of the paper account: metrics, and the JSON document and HTML page on request')
    .option('--backtest <id>', 'the run id printed by mts backtest, or latest')
    .option('--paper', 'the paper trading account (mts paper) instead of a backtest run')
    .option('--html <file>', 'write the self-contained HTML report')
    .argument('[file]', 'with --json: the file to write the JSON result document to (without it, --json prints it)')
    .addHelpText('after', '\nExamples:\n  mts report --backtest bt_0123456789abcdef --html report.html\n  mts report --backtest bt_0123456789abcdef --json run.json\n  mts report --paper --html paper.html')
    .action(
      action(async (ctx, file: string | undefined, f: ReportFlags) => {
        if (file !== undefined && !ctx.json) throw new InputError('E_FLAG', `unexpected argument "${file}"; did you mean --json ${file} or --html ${file}?`);
        if (f.paper) return paperReportCommand(ctx, { html: f.html, jsonFile: file });
        if (!f.backtest) throw new InputError('E_FLAG', 'mts report needs --backtest <id> or --paper');
        await backtestReport(ctx, f.backtest as string, { ...f, jsonFile: file });
      }),
    );
}
