import type { Command } from 'commander';
import { normalizeSymbol } from '../core/assets.js';
import { InputError } from '../core/errors.js';
import { floorToGrid, isoTime, parseTime, parseTimeframe, timeframeMs } from '../core/time.js';
import { fetchCandleRange } from '../sources/candle-range.js';
import { fetchMacroRange } from '../sources/macro-range.js';
import { ingestDeps } from './ingest-context.js';
import { progressReporter } from './progress.js';
import { action } from './run.js';

interface BackfillFlags {
  source: string;
  symbol?: string;
  series?: string;
  timeframe: string;
  from: string;
  to?: string;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('download history page by page; resumable after a crash, idempotent, within the rate limits')
    .requiredOption('--source <source>', 'binance, coingecko or fred')
    .option('--symbol <symbol>', 'market for candles, e.g. BTC/USDT')
    .option('--series <ids>', 'FRED series, comma-separated (default: every configured macro series)')
    .option('--timeframe <tf>', 'candle timeframe: 1m 5m 15m 1h 4h 1d', '1h')
    .requiredOption('--from <time>', 'start, e.g. 2024-01-01')
    .option('--to <time>', 'end (default: the last closed candle / today)')
    .action(
      action(async (ctx, flags: BackfillFlags) => {
        const from = parseTime(flags.from, '--from');
        const toFlag = flags.to === undefined ? undefined : parseTime(flags.to, '--to');
        if (toFlag !== undefined && toFlag < from) throw new InputError('E_RANGE', `--to ${flags.to} is before --from ${flags.from}`);
        const deps = await ingestDeps(ctx);
        deps.patient = true;
        const calls = () => deps.sources.clients.accounting.callsMade();
        if (flags.source === 'fred') {
          const series = flags.series ? flags.series.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : [...ctx.config.tiers.macro.series];
          for (const id of series) {
            const bar = progressReporter(`fred ${id}`, 'days', ctx.log, ctx.clock);
            const r = await fetchMacroRange({ ...deps, onProgress: bar.update }, id, from, toFlag);
            bar.stop();
            ctx.out(ctx.json ? JSON.stringify({ series: id, ...r }) : `fred ${id}: stored ${r.stored} observations (${r.pages} pages, ${r.rejected} rejected)`);
          }
          ctx.out(ctx.json ? JSON.stringify({ calls: calls() }) : `${calls()} API calls`);
          return;
        }
        if (flags.source !== 'binance' && flags.source !== 'coingecko') throw new InputError('E_SOURCE', `--source "${flags.source}": use binance, coingecko or fred`);
        if (!flags.symbol) throw new InputError('E_SYMBOL', `--symbol is required with --source ${flags.source} (e.g. --symbol BTC/USDT)`);
        const symbol = normalizeSymbol(flags.symbol);
        const timeframe = parseTimeframe(flags.timeframe, '--timeframe');
        const step = timeframeMs(timeframe);
        const lastClosed = floorToGrid(ctx.clock.now(), timeframe) - step;
        const start = Math.ceil(from / step) * step;
        const end = Math.min(lastClosed, toFlag === undefined ? lastClosed : floorToGrid(toFlag, timeframe));
        const bar = progressReporter(`${flags.source} ${symbol} ${timeframe}`, 'candles', ctx.log, ctx.clock);
        const r = await fetchCandleRange({ ...deps, onProgress: bar.update }, flags.source, symbol, timeframe, start, end);
        bar.stop();
        const summary = { source: flags.source, symbol, timeframe, from: isoTime(start), to: isoTime(end), ...r, calls: calls() };
        ctx.out(
          ctx.json
            ? JSON.stringify(summary)
            : `${flags.source} ${symbol} ${timeframe} ${summary.from} .. ${summary.to}: stored ${r.stored} candles (${r.pages} pages, ${summary.calls} calls, ${r.rejected} rejected, ${r.exchangeGaps.length} exchange gaps)`,
        );
      }),
    );
}
