import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { normalizeSymbol } from '../core/assets.js';
import { ExitCode, InputError } from '../core/errors.js';
import { metrics } from '../core/metrics.js';
import { isoDate, isoTime, parseTime, parseTimeframe, timeframeMs } from '../core/time.js';
import { dedupeCandles, parseCandleText, type RowProblem } from '../sources/files/candles.js';
import { parseMacroText } from '../sources/files/macro.js';
import { findGaps } from '../storage/gaps.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

const MAX_PROBLEMS_SHOWN = 20;

function reportProblems(ctx: CommandContext, file: string, problems: RowProblem[]): void {
  for (const p of problems.slice(0, MAX_PROBLEMS_SHOWN)) process.stderr.write(`${file}${p.line ? `:${p.line}` : ''}: skipped — ${p.reason}\n`);
  if (problems.length > MAX_PROBLEMS_SHOWN) process.stderr.write(`${file}: … and ${problems.length - MAX_PROBLEMS_SHOWN} more rows skipped\n`);
  if (problems.length > 0) ctx.log.warn({ file, skipped: problems.length }, 'rows skipped');
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('E_IMPORT_READ', `${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

interface ImportOptions {
  symbol?: string;
  timeframe?: string;
  series?: string;
  source?: string;
}

async function importFile(ctx: CommandContext, file: string, opts: ImportOptions): Promise<void> {
  if (!opts.series && !(opts.symbol && opts.timeframe)) throw new InputError('E_USAGE', 'import: give --symbol and --timeframe for candles, or --series for a macro series');
  if (opts.series && opts.symbol) throw new InputError('E_USAGE', 'import: give either --series or --symbol/--timeframe, not both');
  const name = path.basename(file);
  if (opts.series) {
    const series = opts.series.toUpperCase();
    const parsed = parseMacroText(readInput(file), name, series);
    const store = await ctx.store();
    const before = (await store.macro.series()).find((s) => s.series === series)?.count ?? 0;
    await store.macro.upsert(parsed.rows, opts.source ?? 'import');
    const after = (await store.macro.series()).find((s) => s.series === series)?.count ?? 0;
    metrics.rowsStored.inc({ table: 'macro_observations' }, parsed.rows.length);
    reportProblems(ctx, name, parsed.problems);
    const result = { kind: 'macro', series, file, read: parsed.total, stored: parsed.rows.length, added: after - before, skipped: parsed.problems.length };
    ctx.out(ctx.json ? JSON.stringify(result) : `imported ${result.stored} observations of ${series} from ${name}: ${result.added} new, ${result.stored - result.added} already stored; ${result.skipped} rows skipped`);
    if (parsed.problems.length > 0) ctx.exit(ExitCode.Partial);
    return;
  }
  const symbol = normalizeSymbol(opts.symbol as string);
  const timeframe = parseTimeframe(opts.timeframe as string, '--timeframe');
  const source = opts.source ?? 'import';
  const parsed = dedupeCandles(parseCandleText(readInput(file), name, timeframeMs(timeframe)));
  const store = await ctx.store();
  const key = { source, symbol, timeframe };
  const before = await store.candles.count(key);
  await store.candles.upsert(key, parsed.rows);
  const after = await store.candles.count(key);
  metrics.rowsStored.inc({ table: 'candles' }, parsed.rows.length);
  reportProblems(ctx, name, parsed.problems);
  const result = { kind: 'candles', symbol, timeframe, source, file, read: parsed.total, stored: parsed.rows.length, added: after - before, skipped: parsed.problems.length };
  ctx.out(
    ctx.json
      ? JSON.stringify(result)
      : `imported ${result.stored} candles of ${symbol} ${timeframe} (source ${source}) from ${name}: ${result.added} new, ${result.stored - result.added} already stored; ${result.skipped} rows skipped`,
  );
  if (parsed.problems.length > 0) ctx.exit(ExitCode.Partial);
}

const num = (v: number) => String(v);

export function registerData(program: Command): void {
  program
    .command('import <file>')
    .description('import candles (CSV or JSON array) or a macro series (date,value CSV); bad rows are reported and skipped (exit 3)')
    .option('--symbol <symbol>', 'market, e.g. BTC/USDT')
    .option('--timeframe <tf>', '1m, 5m, 15m, 1h, 4h or 1d')
    .option('--series <id>', 'macro series id, e.g. VIXCLS')
    .option('--source <name>', 'source name to store the rows under (default import)')
    .action(action(async (ctx, file: string, opts: ImportOptions) => importFile(ctx, file, opts)));

  const exp = program.command('export').description('write stored data to stdout');
  exp
    .command('candles')
    .description('candles as ts,open,high,low,close,volume (ts = open time, epoch ms)')
    .requiredOption('--symbol <symbol>', 'market, e.g. BTC/USDT')
    .requiredOption('--timeframe <tf>', 'timeframe')
    .option('--source <name>', 'only this source (default: all, merged)')
    .option('--from <time>', 'first open time (ISO or epoch ms)')
    .option('--to <time>', 'last open time')
    .option('--format <fmt>', 'csv or json', 'csv')
    .action(
      action(async (ctx, opts: { symbol: string; timeframe: string; source?: string; from?: string; to?: string; format: string }) => {
        if (opts.format !== 'csv' && opts.format !== 'json') throw new InputError('E_USAGE', `--format: "${opts.format}" is not csv or json`);
        const store = await ctx.store();
        const cols = await store.candles.read({
          symbol: normalizeSymbol(opts.symbol),
          timeframe: parseTimeframe(opts.timeframe, '--timeframe'),
          source: opts.source,
          from: opts.from ? parseTime(opts.from, '--from') : undefined,
          to: opts.to ? parseTime(opts.to, '--to') : undefined,
        });
        const parts: string[] = [];
        if (opts.format === 'csv') {
          parts.push('ts,open,high,low,close,volume');
          for (let i = 0; i < cols.length; i++) parts.push(`${cols.ts[i]},${num(cols.open[i])},${num(cols.high[i])},${num(cols.low[i])},${num(cols.close[i])},${num(cols.volume[i])}`);
          process.stdout.write(`${parts.join('\n')}\n`);
        } else {
          for (let i = 0; i < cols.length; i++) parts.push(`[${cols.ts[i]},${num(cols.open[i])},${num(cols.high[i])},${num(cols.low[i])},${num(cols.close[i])},${num(cols.volume[i])}]`);
          process.stdout.write(`[${parts.join(',\n')}]\n`);
        }
      }),
    );
  exp
    .command('macro')
    .description('a macro series as date,value (empty value = missing)')
    .requiredOption('--series <id>', 'series id, e.g. VIXCLS')
    .option('--from <date>', 'first date')
    .option('--to <date>', 'last date')
    .option('--format <fmt>', 'csv or json', 'csv')
    .action(
      action(async (ctx, opts: { series: string; from?: string; to?: string; format: string }) => {
        const store = await ctx.store();
        const rows = await store.macro.read(opts.series.toUpperCase(), opts.from ? parseTime(opts.from, '--from') : undefined, opts.to ? parseTime(opts.to, '--to') : undefined);
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(rows.map((r) => ({ date: isoDate(r.date), value: r.value })))}\n`);
        else process.stdout.write(`date,value\n${rows.map((r) => `${isoDate(r.date)},${r.value === null ? '' : num(r.value)}`).join('\n')}${rows.length ? '\n' : ''}`);
      }),
    );

  program
    .command('gaps')
    .description('list missing candle ranges in storage')
    .option('--symbol <symbol>', 'only this market')
    .option('--timeframe <tf>', 'only this timeframe')
    .action(
      action(async (ctx, opts: { symbol?: string; timeframe?: string }) => {
        const symbol = opts.symbol ? normalizeSymbol(opts.symbol) : undefined;
        const timeframe = opts.timeframe ? parseTimeframe(opts.timeframe, '--timeframe') : undefined;
        const store = await ctx.store();
        const series = (await store.candles.series()).filter((s) => (!symbol || s.symbol === symbol) && (!timeframe || s.timeframe === timeframe));
        const report = [];
        for (const s of series) {
          const cols = await store.candles.read({ symbol: s.symbol, timeframe: s.timeframe, source: s.source });
          const gaps = findGaps(cols.ts, timeframeMs(s.timeframe));
          report.push({ ...s, gaps, missing: gaps.reduce((a, g) => a + g.missing, 0) });
        }
        if (ctx.json) {
          ctx.out(JSON.stringify(report));
          return;
        }
        if (report.length === 0) ctx.out('no candles stored' + (symbol || timeframe ? ' for that selection' : ''));
        for (const r of report) {
          ctx.out(`${r.symbol} ${r.timeframe} (${r.source}): ${r.count} candles ${isoTime(r.first)} .. ${isoTime(r.last)}, ${r.gaps.length} gaps, ${r.missing} candles missing`);
          for (const g of r.gaps) ctx.out(`  ${isoTime(g.from)} .. ${isoTime(g.to)}  (${g.missing} missing)`);
        }
      }),
    );
}
