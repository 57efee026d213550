import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { formatMetric } from '../analytics/backtest-report.js';
import { InputError } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import { AlertConsumer } from '../paper/consumer.js';
import { runPaperDaemon } from '../paper/daemon.js';
import { PaperEngine } from '../paper/engine.js';
import { paperReport, paperReportHtml } from '../paper/report.js';
import { type PaperStatus, paperStatus } from '../paper/status.js';
import { openSources } from '../sources/open.js';
import { MarketStream } from '../sources/stream/market-stream.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

interface RunFlags {
  alertsDir?: string;
  once?: boolean;
  stream?: boolean;
  livePrices?: boolean;
  consumer?: string;
}

/** `mts paper --stream`: alerts from the Redis stream in the `paper` consumer group instead of the directory. */
async function runPaperStream(ctx: CommandContext, f: RunFlags): Promise<void> {
  const { runStreamPaper } = await import('../distributed/stream-trader.js');
  const store = await ctx.store();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const consumer = f.consumer ?? `${os.hostname()}-${process.pid}`;
    const s = await runStreamPaper({ engine: { store, config: ctx.config, clock: ctx.clock, log: ctx.log }, consumer, signal: stop.signal });
    ctx.log.info({ ...s, consumer }, 'paper: stopped');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runPaper(ctx: CommandContext, f: RunFlags): Promise<void> {
  if (f.stream) return runPaperStream(ctx, f);
  const { config, log, clock } = ctx;
  const dir = path.resolve(f.alertsDir ?? config.alertsDir);
  mkdirSync(dir, { recursive: true });
  const store = await ctx.store();
  const engine = await PaperEngine.open({ store, config, clock, log });
  const consumer = new AlertConsumer({ dir, engine, assets: config.assets, log });
  await consumer.prepare();
  if (f.once) {
    const r = await consumer.drain();
    await engine.checkStoredCandles();
    const point = await engine.snapshotEquity();
    if (r.failed > 0) ctx.exit(3);
    const summary = { applied: r.applied, consumed: r.consumed, quarantined: r.quarantined, failed: r.failed, equity: point.equity, cash: point.cash };
    ctx.out(ctx.json ? JSON.stringify(summary) : `paper: ${r.applied} applied, ${r.consumed} consumed without a trade, ${r.quarantined} rejected, ${r.failed} failed; equity ${point.equity.toFixed(2)}`);
    return;
  }
  const stop = new AbortController();
  const onSignal = (sig: string) => {
    log.info({ signal: sig }, 'paper: stopping after the alert in hand');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log.info({ dir }, 'paper: consuming alerts');
  // Live ticks between candle closes: stops and targets fire on the streamed price (storage stays with `mts run`).
  // ccxt.pro loads its market list through the Binance REST client stack (limiter, breaker, call accounting).
  const sources = f.livePrices ? openSources(config, { clock, log, calls: store.ops }) : undefined;
  const stream = sources ? new MarketStream({ config, store, clock, log, binance: sources.binance, pricesOnly: true }) : undefined;
  stream?.onPrice((symbol, price, ts) => engine.onPrice(symbol, price, ts));
  stream?.start();
  try {
    const s = await runPaperDaemon({
      dir,
      consumer,
      engine,
      clock,
      log,
      rescanMs: parseDuration(config.paper.rescanInterval, 'paper.rescanInterval'),
      snapshotMs: parseDuration(config.paper.snapshotInterval, 'paper.snapshotInterval'),
      signal: stop.signal,
    });
    const point = await engine.snapshotEquity();
    log.info({ ...s, equity: point.equity }, 'paper: stopped');
  } finally {
    await stream?.stop();
    await sources?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const money = (v: number | null) => (v === null ? '—' : v.toFixed(2));

export function formatStatus(s: PaperStatus): string {
  const lines = [
    `cash ${money(s.cash)}   equity ${money(s.equity)}   realized ${money(s.realized_pnl)}   fees ${money(s.fees)}`,
    `closed trades ${s.trades}   alerts applied ${s.alerts_applied}   refused ${s.alerts.rejected}   skipped ${s.alerts.skipped}   malformed ${s.alerts.malformed}`,
  ];
  if (s.positions.length === 0) lines.push('no open positions');
  else {
    lines.push('symbol      side   quantity        avg price      market      unrealized   stop        target');
    for (const p of s.positions) {
      lines.push(
        [p.symbol.padEnd(11), p.side.padEnd(6), p.quantity.toPrecision(6).padEnd(15), money(p.avg_price).padEnd(14), money(p.market_price).padEnd(11), money(p.unrealized_pnl).padEnd(12), money(p.stop_loss).padEnd(11), money(p.take_profit)].join(' '),
      );
    }
  }
  const m = s.metrics;
  lines.push(
    `return ${formatMetric('total_return', m.total_return)}   max drawdown ${formatMetric('max_drawdown', m.max_drawdown)}   sharpe ${formatMetric('sharpe', m.sharpe)}   win rate ${formatMetric('win_rate', m.win_rate)}`,
  );
  return lines.join('\n');
}

interface ReportFlags {
  html?: string;
  /** `--json <file>`: the global --json flag takes the option, so the file arrives as the command's operand. */
  jsonFile?: string;
}

/** `mts report --paper` and `mts paper report`: the JSON document and the HTML page of the paper account. */
export async function paperReportCommand(ctx: CommandContext, f: ReportFlags): Promise<void> {
  const report = await paperReport(await ctx.store(), ctx.config, ctx.clock.now());
  const bytes = JSON.stringify(report.document);
  if (f.jsonFile) writeFileSync(f.jsonFile, bytes);
  if (f.html) writeFileSync(f.html, paperReportHtml(report));
  if (ctx.json && !f.jsonFile) {
    ctx.out(bytes);
    return;
  }
  ctx.out(formatStatus(report.status));
  if (f.jsonFile) ctx.out(`wrote ${f.jsonFile}`);
  if (f.html) ctx.out(`wrote ${f.html}`);
}

export function registerPaper(program: Command): void {
  const paper = program
    .command('paper')
    .description('paper trading: consume alerts from the alerts dir exactly once (daemon; SIGINT/SIGTERM stop cleanly)')
    .option('--alerts-dir <dir>', 'the alerts directory (default: config alertsDir, <data-dir>/alerts)')
    .option('--once', 'drain the alerts present now, then exit')
    .option('--live-prices', 'also follow the Binance trade stream: stops and targets fire on live prices between candle closes')
    .option('--stream', 'read alerts from the Redis stream mts:alerts in the `paper` consumer group (needs MTS_REDIS_URL)')
    .option('--consumer <name>', 'with --stream: this trader\'s stable name in the group (default: host-pid)')
    .action(action(async (ctx, f: RunFlags) => runPaper(ctx, f)));
  paper
    .command('status')
    .description('cash, equity, positions marked to the latest prices, trades, alert counts and metrics')
    .action(
      action(async (ctx) => {
        const s = await paperStatus(await ctx.store(), ctx.config, ctx.clock.now());
        ctx.out(ctx.json ? JSON.stringify(s) : formatStatus(s));
      }),
    );
  paper
    .command('reset')
    .description('start over: forget the account, positions, trades, fills, consumed alerts and equity curve')
    .option('--yes', 'confirm')
    .action(
      action(async (ctx, f: { yes?: boolean }) => {
        if (!f.yes) throw new InputError('E_PAPER_RESET', 'paper reset forgets the whole paper account; run it with --yes to confirm');
        const store = await ctx.store();
        await store.transaction((tx) => tx.paper.reset());
        ctx.out(ctx.json ? JSON.stringify({ reset: true, cash: ctx.config.paper.cash }) : `paper account reset; the next run starts with ${ctx.config.paper.cash.toFixed(2)} cash`);
      }),
    );
  paper
    .command('report')
    .description('performance report of the paper account (same as mts report --paper)')
    .option('--html <file>', 'write the self-contained HTML report')
    .argument('[file]', 'with --json: the file to write the JSON document to (without it, --json prints it)')
    .action(
      action(async (ctx, file: string | undefined, f: { html?: string }) => {
        if (file !== undefined && !ctx.json) throw new InputError('E_FLAG', `unexpected argument "${file}"; did you mean --json ${file} or --html ${file}?`);
        await paperReportCommand(ctx, { html: f.html, jsonFile: file });
      }),
    );
}
