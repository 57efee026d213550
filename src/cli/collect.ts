import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { collectAll, collectionItems } from '../sources/collect.js';
import { SOURCE_NAMES, type SourceName } from '../sources/http/stack.js';
import { ingestDeps } from './ingest-context.js';
import { action } from './run.js';

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('one collection pass of every configured item, now; exit 3 if any item failed (the rest is kept)')
    .option('--source <source>', 'coingecko, binance, fred or all', 'all')
    .option('--assets <list>', 'only these assets, e.g. BTC,ETH')
    .action(
      action(async (ctx, flags: { source: string; assets?: string }) => {
        if (flags.source !== 'all' && !SOURCE_NAMES.includes(flags.source as SourceName)) {
          throw new InputError('E_SOURCE', `--source "${flags.source}": use ${SOURCE_NAMES.join(', ')} or all`);
        }
        const assets = flags.assets?.split(',').map((s) => s.trim()).filter(Boolean);
        const items = collectionItems(ctx.config, { source: flags.source as SourceName | 'all', assets });
        const deps = await ingestDeps(ctx);
        const results = await collectAll(items, deps);
        const failed = results.filter((r) => r.error !== undefined);
        if (ctx.json) ctx.out(JSON.stringify({ results, failed: failed.length }, null, 2));
        else {
          for (const r of results) {
            const status = r.error ? `FAILED: ${r.error}` : r.skipped ? `skipped: ${r.skipped}` : `stored ${r.stored}${r.fallback ? ` (fallback ${r.source})` : ''}`;
            ctx.out(`${r.item.padEnd(34)} ${String(r.calls).padStart(3)} calls  ${status}`);
          }
          ctx.out(`${results.length - failed.length}/${results.length} items ok`);
        }
        if (failed.length) ctx.exit(3);
      }),
    );
}
