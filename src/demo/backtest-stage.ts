import type { BacktestDocument } from '../analytics/document.js';
import { replayStrategy } from '../backtest/replay.js';
import { loadBacktestData, runAndStore } from '../backtest/service.js';
import type { Config } from '../config/schema.js';
import type { CandleColumns, Signal } from '../core/types.js';
import { AGGREGATE_STRATEGY } from '../signals/aggregate.js';
import type { Store } from '../storage/store.js';
import type { AnyStrategy } from '../strategies/contract.js';
import type { StrategyRegistry } from '../strategies/registry.js';

export interface BacktestSummary {
  strategy: string;
  id: string;
  trades: number;
  total_return: number;
  sharpe: number | null;
  max_drawdown: number;
  win_rate: number | null;
  final_equity: number;
}

export interface BacktestStageResult {
  runs: BacktestSummary[];
}

/** Backtests every built-in strategy and the aggregate over [from, to] with the configured costs and risk limits. */
export async function runBacktestStage(o: {
  store: Store;
  config: Config;
  registry: StrategyRegistry;
  from: number;
  to: number;
  aggregated: readonly Signal[];
  onStrategy?: (name: string) => void;
}): Promise<{ result: BacktestStageResult; documents: BacktestDocument[]; base: Map<string, CandleColumns> }> {
  const strategies: AnyStrategy[] = [...o.registry.list().map((e) => e.strategy), replayStrategy(AGGREGATE_STRATEGY, o.aggregated, '1h', 'the weighted aggregate of every strategy, replayed')];
  const documents: BacktestDocument[] = [];
  const base = new Map<string, CandleColumns>();
  for (const strategy of strategies) {
    o.onStrategy?.(strategy.name);
    const symbols = (strategy.symbols.length ? strategy.symbols : o.config.assets).filter((s) => o.config.assets.includes(s));
    if (symbols.length === 0) continue;
    const data = await loadBacktestData(o.store, { strategy, symbols, baseTimeframe: '1h', from: o.from, to: o.to, now: o.to });
    for (const [k, v] of data.base) if (!base.has(k)) base.set(k, v);
    const { document } = await runAndStore(
      o.store,
      {
        strategy,
        base: data.base,
        macro: data.macro,
        baseTimeframe: '1h',
        symbols,
        from: o.from,
        to: o.to,
        cash: o.config.backtest.cash,
        feeBps: o.config.backtest.feeBps,
        slippageBps: o.config.backtest.slippageBps,
        impact: o.config.backtest.impact,
        risk: o.config.risk,
      },
      o.to,
    );
    documents.push(document);
  }
  const runs = documents.map((d) => ({
    strategy: d.strategy,
    id: d.id,
    trades: d.metrics.trades,
    total_return: d.metrics.total_return,
    sharpe: d.metrics.sharpe,
    max_drawdown: d.metrics.max_drawdown,
    win_rate: d.metrics.win_rate,
    final_equity: d.metrics.final_equity,
  }));
  return { result: { runs }, documents, base };
}
