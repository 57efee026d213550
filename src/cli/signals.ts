import type { Command } from 'commander';
import { normalizeSymbol } from '../core/assets.js';
import { isoTime, parseTime } from '../core/time.js';
import { aggregateOverTime, aggregateSignals, aggregationOptions } from '../signals/aggregate.js';
import { emitAlerts } from '../signals/alerting.js';
import { enabledStrategies, generateSignals, strategyWeight } from '../signals/generate.js';
import { StrategyRegistry } from '../strategies/registry.js';
import { action } from './run.js';

interface SignalsOptions {
  strategies?: string;
  at?: string;
  since?: string;
  symbols?: string;
  alerts?: boolean;
}

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const num = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(x >= 100 ? d : 6));

export function registerSignals(program: Command): void {
  program
    .command('signals')
    .description('generate and aggregate signals from stored data as of a moment, write alerts, print them')
    .option('--strategies <list>', 'comma-separated strategy names and/or .ts/.js files (default: the enabled ones)')
    .option('--at <time>', 'as of this moment (ISO 8601 or epoch ms; default now)')
    .option('--since <time>', 'keep every signal from this moment to --at instead of only the latest bar')
    .option('--symbols <list>', 'only these symbols, e.g. BTC/USDT,ETH')
    .option('--no-alerts', 'do not write alert files')
    .action(
      action(async (ctx, opts: SignalsOptions) => {
        const at = opts.at ? parseTime(opts.at, '--at') : ctx.clock.now();
        const registry = new StrategyRegistry();
        const named = list(opts.strategies);
        const selection = named ? await registry.resolveMany(named) : { entries: enabledStrategies(registry, ctx.config), failures: [] };
        for (const f of selection.failures) ctx.log.error({ item: f.item }, f.error);
        for (const e of selection.entries) {
          if (strategyWeight(ctx.config, e.name) === 0) ctx.log.warn({ strategy: e.name }, `strategy ${e.name} has weight 0 and does not vote in the aggregate; set strategies.${e.name}.weight`);
        }
        const store = await ctx.store();
        const result = await generateSignals({
          store,
          config: ctx.config,
          at,
          strategies: selection.entries,
          symbols: list(opts.symbols)?.map(normalizeSymbol),
          since: opts.since ? parseTime(opts.since, '--since') : undefined,
          log: ctx.log,
        });
        // a single moment aggregates each strategy's latest signal; a period aggregates per symbol and moment
        const aggregated = opts.since ? aggregateOverTime(result.signals, aggregationOptions(ctx.config)) : aggregateSignals(result.signals, aggregationOptions(ctx.config));
        const emitted = opts.alerts === false ? { alerts: [], errors: [] } : await emitAlerts(store, ctx.config, aggregated, ctx.clock.now());
        const alerts = emitted.alerts;
        for (const e of emitted.errors) ctx.log.error(e);
        const failures = [...selection.failures.map((f) => ({ strategy: f.item, error: f.error })), ...result.failures];
        if (emitted.errors.length) ctx.exit(3);
        if (failures.length) ctx.exit(3);
        if (ctx.json) {
          ctx.out(JSON.stringify({ at: isoTime(at), signals: result.signals, aggregated, alerts, ran: result.ran, failures, alertErrors: emitted.errors }, null, 2));
          return;
        }
        ctx.out(`signals as of ${isoTime(at)}: ${result.signals.length} from ${result.ran.length} strategies`);
        for (const s of result.signals) {
          ctx.out(`  ${isoTime(s.ts)}  ${s.strategy.padEnd(16)} ${s.symbol.padEnd(10)} ${s.side.padEnd(5)} conf ${s.confidence.toFixed(2)} ${s.strength.padEnd(8)} price ${num(s.price)} size ${s.size.toFixed(4)}`);
        }
        ctx.out(`aggregated: ${aggregated.length}`);
        for (const a of aggregated) {
          ctx.out(
            `  ${opts.since ? `${isoTime(a.ts)}  ` : ''}${a.symbol.padEnd(10)} ${a.side.padEnd(5)} conf ${a.confidence.toFixed(2)} ${a.strength.padEnd(8)} price ${num(a.price)} size ${a.size.toFixed(4)} stop ${num(a.stopLoss)} target ${num(a.takeProfit)}  from ${a.meta.strategies_combined.join(', ')}${a.meta.conflict.conflicting ? ` (opposed: ${a.meta.conflict.opposed.join(', ')})` : ''}`,
          );
        }
        ctx.out(`alerts written: ${alerts.length}`);
        for (const a of alerts) ctx.out(`  ${a.file}`);
        for (const f of failures) ctx.out(`failed: ${f.strategy}: ${f.error}`);
      }),
    );
}
