/**
 * Signal generation as of a moment: for every enabled strategy, load its history (warm-up plus a run window) from
 * the Store up to `at`, run it, and keep the signals of its last bar closed by `at` (or, with `since`, every
 * signal in [since, at]). A strategy that fails is reported with its name and file; the others still run.
 */
import type { Config } from '../config/schema.js';
import { DEFAULT_STRATEGY_WEIGHTS } from '../config/schema.js';
import { DAY_MS, isoTime, TIMEFRAMES } from '../core/time.js';
import type { Logger } from '../core/log.js';
import type { CandleColumns, MacroObservation, Signal } from '../core/types.js';
import { metrics } from '../core/metrics.js';
import type { Store } from '../storage/store.js';
import type { RegisteredStrategy, StrategyRegistry } from '../strategies/registry.js';
import { StrategyRunner } from '../strategies/runner.js';
import { MarketLoader } from './market.js';

export interface GenerateOptions {
  store: Store;
  config: Config;
  /** Decisions as of this moment (epoch ms). */
  at: number;
  /** The strategies to run; default: the enabled ones of the registry (see enabledStrategies). */
  strategies: readonly RegisteredStrategy[];
  /** Only decide on these symbols (default: each strategy's universe within config.assets). */
  symbols?: readonly string[];
  /** Keep every signal closing in [since, at] instead of only each strategy's last bar. */
  since?: number;
  /** Days each run starts before the kept range, so signal-implied positions have a history (default 30). */
  runDays?: number;
  /** Store the kept signals (default true). */
  persist?: boolean;
  log?: Logger;
}

export interface StrategyFailureReport {
  strategy: string;
  origin: string;
  error: string;
}

export interface GenerationResult {
  at: number;
  signals: Signal[];
  failures: StrategyFailureReport[];
  ran: { strategy: string; origin: string; symbols: string[]; signals: number }[];
}

export function strategyWeight(config: Config, name: string): number {
  return config.strategies[name]?.weight ?? DEFAULT_STRATEGY_WEIGHTS[name] ?? 1;
}

/**
 * Whether a strategy runs by default: `strategies.<name>.enabled` when set; else a built-in runs when its weight
 * (configured or default) is above 0, and a user strategy that was loaded always runs.
 */
export function isEnabled(config: Config, entry: Pick<RegisteredStrategy, 'name' | 'origin'>): boolean {
  const set = config.strategies[entry.name]?.enabled;
  if (set !== undefined) return set;
  return entry.origin !== 'builtin' || strategyWeight(config, entry.name) > 0;
}

export function enabledStrategies(registry: StrategyRegistry, config: Config): RegisteredStrategy[] {
  return registry.list().filter((e) => isEnabled(config, e));
}

/** Where a strategy's run starts: the kept range, minus the run window, minus its warm-up (+10% for exchange gaps). */
function plan(entry: RegisteredStrategy, opts: GenerateOptions) {
  const { strategy, name } = entry;
  const params = strategy.resolveParams(opts.config.strategies[name]?.params ?? {});
  const barMs = TIMEFRAMES[strategy.timeframe as keyof typeof TIMEFRAMES];
  const keepFrom = opts.since ?? opts.at - barMs;
  const warmup = strategy.warmupBars(params, strategy.timeframe);
  const from = keepFrom - (opts.runDays ?? 30) * DAY_MS - Math.ceil(warmup * 1.1 + 2) * barMs;
  return { params, barMs, from };
}

export async function generateSignals(opts: GenerateOptions): Promise<GenerationResult> {
  const { store, config, at } = opts;
  const starts = opts.strategies.map((e) => {
    try {
      return plan(e, opts).from;
    } catch {
      return Number.POSITIVE_INFINITY; // reported when the strategy's turn comes
    }
  });
  const loader = new MarketLoader(store, at, Math.min(...starts));
  const result: GenerationResult = { at, signals: [], failures: [], ran: [] };
  for (const entry of opts.strategies) {
    const { strategy, origin, name } = entry;
    try {
      const { params, barMs, from } = plan(entry, opts);
      const universe = strategy.symbols.length ? strategy.symbols.filter((s) => config.assets.includes(s)) : config.assets;
      const decide = opts.symbols ? universe.filter((s) => opts.symbols!.includes(s)) : universe;
      if (decide.length === 0) continue;
      const candles = new Map<string, CandleColumns>();
      for (const symbol of new Set([...config.assets, ...decide])) {
        const c = await loader.candles(symbol, strategy.timeframe, from);
        if (c.length > 0) candles.set(symbol, c);
      }
      const without = decide.filter((sym) => !candles.has(sym));
      if (without.length) opts.log?.warn({ strategy: name, symbols: without, timeframe: strategy.timeframe }, 'no candles stored for these symbols up to this moment');
      const macro = new Map<string, MacroObservation[]>();
      for (const series of strategy.macro) macro.set(series, await loader.macro(series, from));
      const missing = strategy.macro.filter((s) => (macro.get(s)?.length ?? 0) === 0);
      if (missing.length) opts.log?.warn({ strategy: name, series: missing }, 'macro series not in storage; the strategy sees NaN for them');
      const runner = new StrategyRunner(strategy, params, { candles, macro }, { symbols: decide, source: origin === 'builtin' ? undefined : origin });
      const since = opts.since;
      const keep = since === undefined ? (s: Signal) => s.ts > at - barMs : (s: Signal) => s.ts >= since;
      // one signal per (strategy, symbol, bar): the key signals are stored under; the last one returned wins
      const byKey = new Map<string, Signal>();
      for (const sig of runner.run({ to: at })) if (keep(sig)) byKey.set(`${sig.symbol}|${sig.ts}`, sig);
      const kept = [...byKey.values()];
      for (const sig of kept) metrics.signals.inc({ strategy: name, side: sig.side });
      result.signals.push(...kept);
      result.ran.push({ strategy: name, origin, symbols: [...runner.symbols], signals: kept.length });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.failures.push({ strategy: name, origin, error: message });
      opts.log?.error({ strategy: name, origin, at: isoTime(at) }, message);
    }
  }
  if (opts.persist !== false && result.signals.length) await store.signals.insertSignals(result.signals);
  return result;
}
