/**
 * `mts worker`: takes collection and backtest jobs from the Redis queues (SPEC §13) until SIGINT/SIGTERM; jobs in
 * hand finish first. Run any number, on any machine pointed at the same MTS_DB_URL and MTS_REDIS_URL.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { parseTimeLoose } from '../core/time.js';
import { ShiftedClock } from '../scheduler/shifted-clock.js';
import { enableProcessMetrics } from '../core/metrics.js';
import { redisSettings } from '../distributed/redis.js';
import { startWorker } from '../distributed/worker.js';
import type { CommandContext } from './context.js';
import { action } from './run.js';

const QUEUES = ['collect', 'backtest'] as const;

interface WorkerFlags {
  queues: string;
  concurrency?: string;
  asOf?: string;
}

async function runWorker(ctx: CommandContext, f: WorkerFlags): Promise<void> {
  if (f.asOf !== undefined) {
    const t = parseTimeLoose(f.asOf);
    if (!Number.isFinite(t)) throw new InputError('E_TIME', `--as-of: cannot read "${f.asOf}" as a time; use ISO, e.g. 2024-03-06T00:00:00Z`);
    ctx.clock = new ShiftedClock(t);
  }
  const settings = { ...redisSettings(ctx.config, 'mts worker') };
  const queues = f.queues.split(',').map((q) => q.trim());
  const unknown = queues.filter((q) => !(QUEUES as readonly string[]).includes(q));
  if (unknown.length || queues.length === 0) throw new InputError('E_FLAG', `--queues "${f.queues}": use ${QUEUES.join(', ')} (comma-separated)`);
  if (f.concurrency !== undefined) {
    const n = Number(f.concurrency);
    if (!Number.isInteger(n) || n < 1) throw new InputError('E_FLAG', `--concurrency must be a whole number >= 1, got ${f.concurrency}`);
    settings.concurrency = n;
  }
  const store = await ctx.store();
  enableProcessMetrics();
  const worker = await startWorker({ config: ctx.config, settings, store, clock: ctx.clock, log: ctx.log, queues: queues as (typeof QUEUES)[number][] });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      ctx.log.info({ signal: sig }, 'mts worker: stopping after the jobs in hand');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await worker.close();
  ctx.log.info('mts worker: stopped');
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take collection and backtest jobs from the Redis queues (needs MTS_REDIS_URL; SIGINT/SIGTERM stop after the jobs in hand)')
    .option('--queues <list>', 'which queues to serve: collect, backtest', 'collect,backtest')
    .option('--concurrency <n>', 'collection jobs at once (default: config distributed.concurrency)')
    .option('--as-of <time>', 'work as if started at this moment (ISO), like `mts run --as-of` (a source replaying history)')
    .action(action(async (ctx, f: WorkerFlags) => runWorker(ctx, f)));
}
