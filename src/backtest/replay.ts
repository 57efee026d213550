/**
 * Backtesting a stream of signals made elsewhere — the aggregate of several strategies, or the alerts a pipeline
 * sent — by replaying each one at the bar it was made on. The signals were made by causal runners, so replaying
 * them at their own time adds no look-ahead; the fills then follow the same rules as any strategy's.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { Timeframe } from '../core/time.js';
import type { Signal } from '../core/types.js';
import { aggregateOverTime, aggregationOptions, AGGREGATE_STRATEGY } from '../signals/aggregate.js';
import { enabledStrategies, generateSignals } from '../signals/generate.js';
import type { Store } from '../storage/store.js';
import type { AnyStrategy, SignalIntent } from '../strategies/contract.js';
import { defineStrategy } from '../strategies/define.js';
import type { StrategyRegistry } from '../strategies/registry.js';

/** A strategy that emits exactly the given signals, each at the close of the bar at its `ts`. */
export function replayStrategy(name: string, signals: readonly Signal[], timeframe: Timeframe = '1h', description = 'replays recorded signals'): AnyStrategy {
  const at = new Map<string, SignalIntent[]>();
  for (const s of signals) {
    const k = `${s.symbol}|${s.ts}`;
    let list = at.get(k);
    if (!list) at.set(k, (list = []));
    list.push({ side: s.side, confidence: s.confidence, strength: s.strength, size: s.size, stopLoss: s.stopLoss, takeProfit: s.takeProfit, meta: s.meta });
  }
  const symbols = [...new Set(signals.map((s) => s.symbol))].sort();
  return defineStrategy({
    name,
    description,
    timeframe,
    symbols,
    params: {},
    warmupBars: () => 1,
    onBar: (ctx) => at.get(`${ctx.symbol}|${ctx.now}`) ?? null,
  });
}

export interface AggregateReplay {
  strategy: AnyStrategy;
  /** The signals of each strategy over the period. */
  signals: Signal[];
  /** The aggregated signals the replay trades. */
  aggregated: Signal[];
  failures: { strategy: string; error: string }[];
}

/**
 * The aggregate of every enabled strategy over [from, to] (SPEC §7 weights), as a strategy the backtester can run:
 * each strategy's signals come from its own runner on stored data, then they are aggregated moment by moment.
 */
export async function aggregateReplay(o: { store: Store; config: Config; registry: StrategyRegistry; from: number; to: number; symbols?: readonly string[]; log?: Logger }): Promise<AggregateReplay> {
  const gen = await generateSignals({
    store: o.store,
    config: o.config,
    at: o.to,
    since: o.from,
    strategies: enabledStrategies(o.registry, o.config),
    symbols: o.symbols,
    persist: false,
    log: o.log,
  });
  const aggregated = aggregateOverTime(gen.signals, aggregationOptions(o.config));
  return {
    strategy: replayStrategy(AGGREGATE_STRATEGY, aggregated, '1h', 'the weighted aggregate of the enabled strategies (SPEC §7), replayed'),
    signals: gen.signals,
    aggregated,
    failures: gen.failures.map((f) => ({ strategy: f.strategy, error: f.error })),
  };
}
