import type { Command } from 'commander';
import { isEnabled, strategyWeight } from '../signals/generate.js';
import { StrategyRegistry } from '../strategies/registry.js';
import { action } from './run.js';

const collect = (value: string, prev: string[] = []) => [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerStrategies(program: Command): void {
  program
    .command('strategies')
    .description('list the strategies (built-in and user), their parameters and defaults')
    .option('--strategy <file>', 'also load a user strategy file (.ts/.js); repeatable', collect)
    .action(
      action(async (ctx, opts: { strategy?: string[] }) => {
        const registry = new StrategyRegistry();
        const { failures } = await registry.resolveMany(opts.strategy ?? []);
        for (const f of failures) ctx.log.error(f.error);
        if (failures.length) ctx.exit(3);
        const rows = registry.list().map(({ name, strategy, origin }) => {
          const entry = ctx.config.strategies[name];
          const weight = strategyWeight(ctx.config, name);
          const enabled = isEnabled(ctx.config, { name, origin });
          return {
            name,
            origin,
            description: strategy.description,
            timeframe: strategy.timeframe,
            symbols: strategy.symbols,
            macro: strategy.macro,
            enabled,
            weight,
            params: Object.fromEntries(
              Object.entries(strategy.params as Record<string, { default: unknown; min?: number; max?: number; options?: readonly string[]; description?: string }>).map(([k, spec]) => [
                k,
                { default: spec.default, ...(entry?.params?.[k] !== undefined ? { configured: entry.params[k] } : {}), min: spec.min, max: spec.max, options: spec.options, description: spec.description },
              ]),
            ),
          };
        });
        if (ctx.json) {
          ctx.out(JSON.stringify({ strategies: rows, failures }, null, 2));
          return;
        }
        for (const r of rows) {
          ctx.out(`${r.name}  [${r.origin}]  ${r.timeframe}  weight ${r.weight}  ${r.enabled ? 'enabled' : 'disabled'}`);
          ctx.out(`  ${r.description}`);
          if (r.symbols.length) ctx.out(`  symbols: ${r.symbols.join(', ')}`);
          if (r.macro.length) ctx.out(`  macro: ${r.macro.join(', ')}`);
          for (const [k, p] of Object.entries(r.params)) {
            const range = p.min !== undefined || p.max !== undefined ? ` [${p.min ?? ''}..${p.max ?? ''}]` : p.options ? ` {${p.options.join('|')}}` : '';
            const configured = 'configured' in p ? ` (configured: ${JSON.stringify(p.configured)})` : '';
            ctx.out(`    ${k} = ${JSON.stringify(p.default)}${range}${configured}${p.description ? `  ${p.description}` : ''}`);
          }
        }
      }),
    );
}
