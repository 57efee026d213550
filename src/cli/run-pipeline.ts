/**
 * `mts run`: the long-running pipeline (SPEC §3, §6). `mts run --simulate 1d|7d [--start ISO]`: the same pipeline
 * on a virtual clock over a temporary database, printing calls per source, freshness, gaps, signals and alerts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { VirtualClock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import { enableProcessMetrics } from '../core/metrics.js';
import { DAY_MS, isoTime, parseDuration, parseTimeLoose } from '../core/time.js';
import { createPipeline } from '../scheduler/pipeline.js';
import { ShiftedClock } from '../scheduler/shifted-clock.js';
import { createSignalStep } from '../scheduler/signal-step.js';
import { createDispatcher } from '../signals/notifiers/index.js';
import { formatSimulation, simulationJson } from '../scheduler/report.js';
import { DEFAULT_WARMUP_MS, simulate } from '../scheduler/simulate.js';
import { openDistributed } from '../distributed/setup.js';
import type { CandleItem } from '../scheduler/items.js';
import { MarketStream } from '../sources/stream/market-stream.js';
import { openStore, type Store } from '../storage/store.js';
import type { Config } from '../config/schema.js';
import { liveConfig } from './live-config.js';
import { pipelineTriggers } from './run-server.js';
import type { CommandContext } from './context.js';
import { HEARTBEAT_MS, startMonitor } from './run-monitor.js';
import { action } from './run.js';

interface RunOptions {
  simulate?: string;
  start?: string;
  asOf?: string;
  server?: boolean;
  grace: string;
  distributed?: boolean;
}

/** How long in-flight work may finish after SIGINT/SIGTERM before it is abandoned. */
const DEFAULT_GRACE = '5s';
/** After the grace, how long abandoned work may take to unwind before the process leaves anyway. */
const UNWIND_MS = 3000;
/** How often failed alert deliveries are retried. */
const RETRY_EVERY_MS = 30_000;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('the long-running pipeline: scheduled collection, signals, alerts, notifiers (SIGINT/SIGTERM stop it cleanly)')
    .option('--simulate <span>', 'run virtual days (1d, 7d) on a virtual clock against the configured sources, over a temporary database')
    .option('--start <time>', 'with --simulate: where virtual time starts (ISO; default now)')
    .option('--as-of <time>', 'run in real time as if started at this moment (ISO), e.g. against a source replaying history')
    .option('--no-server', 'do not start the monitoring server (MTS_HTTP_HOST:MTS_HTTP_PORT)')
    .option('--distributed', 'schedule collection as jobs on the mts-collect queue for `mts worker` processes (needs MTS_REDIS_URL); alerts also go to the mts:alerts stream')
    .option('--grace <duration>', 'on SIGINT/SIGTERM, how long in-flight work may finish before it is abandoned', DEFAULT_GRACE)
    .action(action(async (ctx: CommandContext, opts: RunOptions, cmd: Command) => (opts.simulate ? runSimulation(ctx, opts, cmd) : runForever(ctx, opts, cmd))));
}

async function runForever(ctx: CommandContext, opts: RunOptions, cmd: Command): Promise<void> {
  const grace = parseDuration(opts.grace, '--grace');
  if (opts.asOf !== undefined) ctx.clock = new ShiftedClock(readTime(opts.asOf, '--as-of'));
  // Signals are caught from the first moment: one that arrives during start-up stops the run once it is up.
  let requested: string | undefined;
  let stop: ((sig: string) => void) | undefined;
  const onSignal = (sig: string) => () => (stop ? stop(sig) : (requested ??= sig));
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const store = await ctx.store();
    enableProcessMetrics();
    // The live config: strategy params, weights, enabled strategies, risk and notifiers reload from the file or SIGHUP.
    const live = liveConfig(ctx, cmd, store);
    ctx.onClose(() => live.stop());
    const notify = notifiers(ctx, store, live.holder.current);
    ctx.onClose(() => notify.close());
    live.holder.subscribe(({ changed, current }) => {
      if (changed.includes('notifiers')) notify.replace(current);
    });
    const dist = opts.distributed ? await openDistributed(ctx.config, ctx.log, ctx.clock) : undefined;
    if (dist) ctx.onClose(() => dist.close());
    const signals = createSignalStep({ config: live.holder, store, clock: ctx.clock, log: ctx.log, dispatcher: { dispatch: (a, f) => notify.current.dispatch(a, f) }, ...dist?.signalHooks });
    // While the stream is live and has repaired its gaps, the crypto candle items it covers spend no REST call.
    let stream: MarketStream | undefined;
    const coveredByStream = (item: CandleItem) => stream?.covers(item.symbol, item.timeframe) ?? false;
    const pipeline = await createPipeline({ config: ctx.config, store, clock: ctx.clock, log: ctx.log, signals, heartbeatMs: HEARTBEAT_MS, coveredByStream, ...(dist ? { runner: dist.runner, laneBy: 'item' as const, limiter: dist.limiter } : {}) });
    const scheduler = pipeline.scheduler;
    if (ctx.config.stream.enabled) {
      stream = new MarketStream({ config: ctx.config, store, clock: ctx.clock, log: ctx.log, binance: pipeline.sources.binance });
      stream.start();
    }
    const monitor = opts.server === false ? undefined : await startMonitor({ config: ctx.config, store, clock: ctx.clock, log: ctx.log, pipeline, signals, controls: pipelineTriggers(live.holder, signals, ctx.clock), streams: stream ? () => (stream as MarketStream).facts() : undefined }).catch(async (err) => {
      await pipeline.close();
      throw err;
    });
    ctx.log.info({ items: scheduler.items.length, notifiers: notify.current.channels, monitor: monitor?.address ?? 'off', db: store.description }, 'mts run: scheduler started');
    const lanes = scheduler.start();
    let stopping = false;
    stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ signal: sig, inFlight: scheduler.running }, 'stopping: finishing in-flight work, then storing state');
      void scheduler.stop(grace);
      // Work that ignores its abort signal must not hold the process: state is stored after every run already.
      setTimeout(() => {
        ctx.log.warn('in-flight work did not unwind in time; leaving (it runs again at the next start)');
        process.exit(0);
      }, grace + UNWIND_MS).unref();
    };
    if (requested) stop(requested);
    try {
      await lanes;
    } finally {
      // the server stops before the store closes, letting requests in flight finish
      await stream?.stop();
      await monitor?.app.close();
      await pipeline.close();
    }
    ctx.log.info({ callsToday: scheduler.budget.today(), totals: scheduler.totals }, 'mts run: stopped');
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** The alert dispatcher of the running config and its retry loop; replaced whole when the notifier settings change. */
function notifiers(ctx: CommandContext, store: Store, config: Config) {
  const start = (c: Config) => {
    const dispatcher = createDispatcher(c, { store, clock: ctx.clock, log: ctx.log });
    const retries = new AbortController();
    const loop = dispatcher.channels > 0 ? dispatcher.runRetryLoop(RETRY_EVERY_MS, retries.signal) : Promise.resolve();
    return { dispatcher, retries, loop };
  };
  let cur = start(config);
  const stopped: Promise<void>[] = [];
  return {
    get current() {
      return cur.dispatcher;
    },
    replace(c: Config) {
      const old = cur;
      cur = start(c);
      old.retries.abort();
      stopped.push(old.loop.catch(() => undefined));
      ctx.log.info({ channels: cur.dispatcher.channels }, 'notifiers reconfigured');
    },
    async close() {
      cur.retries.abort();
      await Promise.all([cur.loop.catch(() => undefined), ...stopped]);
    },
  };
}

function readTime(text: string, flag: string): number {
  const t = parseTimeLoose(text);
  if (!Number.isFinite(t)) throw new InputError('E_TIME', `${flag}: cannot read "${text}" as a time; use ISO, e.g. 2024-03-06T00:00:00Z`);
  return t;
}

async function runSimulation(ctx: CommandContext, opts: RunOptions, cmd: Command): Promise<void> {
  const span = parseDuration(opts.simulate as string, '--simulate');
  if (span <= 0 || span % DAY_MS !== 0) throw new InputError('E_SIMULATE', `--simulate: "${opts.simulate}" is not a whole number of days; use e.g. 1d or 7d`);
  const start = opts.start === undefined ? ctx.clock.now() : readTime(opts.start, '--start');
  // A simulation never touches the real database: its data, state and call records go to a temporary one.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-simulate-'));
  const store = await openStore(`sqlite:${path.join(dir, 'simulation.db')}`);
  try {
    const clock = new VirtualClock(start - DEFAULT_WARMUP_MS);
    ctx.log.info({ from: isoTime(start), days: span / DAY_MS }, 'simulating the schedule on a virtual clock');
    // Signals and alert files as `mts run` makes them, into the temporary folder; nothing is sent to a notifier.
    // The config file is watched here too, so a strategy change made while a long simulation runs is used from the next hour on.
    const live = liveConfig(ctx, cmd);
    ctx.onClose(() => live.stop());
    const signals = createSignalStep({ config: live.holder, store, clock, log: ctx.log, alertsDir: path.join(dir, 'alerts') });
    const report = await simulate({ config: ctx.config, store, log: ctx.log, clock, start, until: start + span, signals });
    if (ctx.json) ctx.out(JSON.stringify(simulationJson(report)));
    else ctx.out(`${formatSimulation(report, ctx.config.tiers.dailyBudget)}\n(warm-up: the hour before the start filled the empty database with ${report.warmupCalls} calls, not counted above)`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
