import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { OBJECTIVES, type Objective, parseGrid } from '../backtest/grid.js';
import { type OptimizeDocument, optimize } from '../backtest/optimize.js';
import { formatMetric } from '../analytics/backtest-report.js';
import { addRunOptions, requestFromFlags, type RunFlags } from './backtest-options.js';
import type { CommandContext } from './context.js';
import { progressReporter } from './progress.js';
import { action } from './run.js';
import { openSweepQueue } from '../distributed/sweep-queue.js';

interface OptimizeFlags extends RunFlags {
  grid: string;
  objective: string;
  workers?: string;
  walkForward?: string;
  top: string;
  out?: string;
  distributed?: boolean;
}

function fmt(key: string, v: number | null | undefined): string {
  return formatMetric(key, v ?? null);
}

/** The top results as a table, and the walk-forward folds. */
export function optimizeTable(doc: OptimizeDocument, top: number): string {
  const lines = [`${'rank'.padEnd(5)}${'params'.padEnd(36)}${doc.objective.padStart(12)}${'return'.padStart(10)}${'max dd'.padStart(10)}${'trades'.padStart(8)}`];
  for (const r of doc.results.slice(0, top)) {
    const m = r.metrics;
    const key = doc.objective === 'return' ? 'total_return' : doc.objective;
    lines.push(
      `${String(r.rank).padEnd(5)}${JSON.stringify(r.params).padEnd(36)}${fmt(key, r.objective).padStart(12)}${fmt('total_return', m?.total_return).padStart(10)}${fmt('max_drawdown', m?.max_drawdown).padStart(10)}${String(m?.trades ?? '—').padStart(8)}${r.error ? `  error: ${r.error}` : ''}`,
    );
  }
  for (const f of doc.walk_forward) {
    const day = (t: number) => isoTime(t).slice(0, 10);
    lines.push(
      `fold ${f.fold}: in-sample ${day(f.in_sample.from)}..${day(f.in_sample.to)} best ${JSON.stringify(f.in_sample.best_params)} ${doc.objective} ${fmt(doc.objective === 'return' ? 'total_return' : doc.objective, f.in_sample.objective)}; out-of-sample ${day(f.out_of_sample.from)}..${day(f.out_of_sample.to)} ${doc.objective} ${fmt(doc.objective === 'return' ? 'total_return' : doc.objective, f.out_of_sample.objective)}`,
    );
  }
  return lines.join('\n');
}

async function run(ctx: CommandContext, f: OptimizeFlags): Promise<void> {
  if (!OBJECTIVES.includes(f.objective as Objective)) throw new InputError('E_FLAG', `--objective "${f.objective}": use ${OBJECTIVES.join(', ')}`);
  const grid = parseGrid(f.grid);
  const workers = f.workers === undefined ? Math.max(1, os.availableParallelism()) : Number(f.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new InputError('E_FLAG', `--workers must be a whole number >= 1, got ${f.workers}`);
  const walkForward = f.walkForward === undefined ? 0 : Number(f.walkForward);
  const top = Number(f.top);
  const request = await requestFromFlags(ctx, f);
  const strategyRef = request.origin && request.origin !== 'builtin' ? path.resolve(request.origin) : request.strategy.name;
  const progress = progressReporter('optimize', 'backtests', ctx.log, ctx.clock);
  let doc: OptimizeDocument;
  try {
    const dist = f.distributed ? await openSweepQueue(ctx.config, ctx.log) : undefined;
    if (dist) ctx.onClose(() => dist.close());
    doc = await optimize({ request, strategyRef, grid, objective: f.objective as Objective, workers, walkForward, onProgress: progress.update, evaluator: dist?.evaluator });
  } finally {
    progress.stop();
  }
  const bytes = JSON.stringify(doc);
  if (f.out) writeFileSync(f.out, bytes);
  if (ctx.json) return ctx.out(bytes);
  ctx.out(`optimize ${doc.strategy} on ${doc.symbols.join(', ')}: ${doc.combinations} combinations over ${f.distributed ? 'the mts-backtest queue' : `${workers} worker(s)`}, by ${doc.objective}`);
  ctx.out(optimizeTable(doc, Number.isFinite(top) && top > 0 ? top : 10));
  if (f.out) ctx.out(`wrote ${f.out}`);
}

export function registerOptimize(program: Command): void {
  addRunOptions(program.command('optimize').description('parameter sweep over worker threads; reproducible ranking; optional walk-forward folds'))
    .requiredOption('--grid <spec>', 'parameters to sweep: name=start:end:step, name=value or name=a|b|c, comma-separated')
    .option('--objective <name>', `what to rank by: ${OBJECTIVES.join(', ')}`, 'sharpe')
    .option('--workers <n>', 'threads evaluating backtests, this one included (default: the CPU count)')
    .option('--distributed', 'spread the sweep over `mts worker` processes through the mts-backtest queue (needs MTS_REDIS_URL)')
    .option('--walk-forward <k>', 'k folds: optimize on each window, test the winner on the next')
    .option('--top <n>', 'rows of the results table', '10')
    .option('--out <file>', 'write the JSON result (all combinations, ranked, and the folds)')
    .action(action(async (ctx, f: OptimizeFlags) => run(ctx, f)));
}
