import type { Command } from 'commander';
import { formatDemoSummary, runDemo } from '../demo/demo.js';
import { action } from './run.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('offline, no keys: the seeded sample market through the whole pipeline, with reports')
    .option('--seed <n>', 'seed of the sample market', '42')
    .action(
      action(async (ctx, opts: { seed: string }) => {
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed)) throw new Error(`--seed: "${opts.seed}" is not an integer`);
        const store = await ctx.store();
        const started = Date.now();
        const result = await runDemo(ctx.config, store, ctx.log, {
          seed,
          progress: (stage, detail) => process.stderr.write(`[demo] ${stage}${detail ? `: ${detail}` : ''} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`),
        });
        ctx.out(ctx.json ? JSON.stringify(result) : formatDemoSummary(result));
      }),
    );
}
