/**
 * A worker thread of `mts optimize`: receives the market data and settings once, then evaluates batches of
 * parameter sets (metrics only) and sends the results back keyed by their index in the grid.
 */
import { parentPort } from 'node:worker_threads';
import { StrategyRegistry } from '../strategies/registry.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { evaluateBacktest, type BacktestRequest } from './run.js';
import type { EvalJob, EvalResult, EvalTask, ToWorker } from './pool.js';

let strategy: AnyStrategy | undefined;
let job: EvalJob | undefined;

function evaluate(t: EvalTask): EvalResult {
  const j = job as EvalJob;
  const req: BacktestRequest = {
    strategy: strategy as AnyStrategy,
    origin: j.origin,
    params: t.params,
    symbols: j.symbols,
    base: new Map(j.base),
    baseTimeframe: j.baseTimeframe,
    macro: new Map(j.macro),
    from: t.from ?? j.from,
    to: t.to ?? j.to,
    cash: j.cash,
    feeBps: j.feeBps,
    slippageBps: j.slippageBps,
    impact: j.impact,
    sizeOverride: j.sizeOverride,
    risk: j.risk,
  };
  try {
    return { id: t.id, metrics: evaluateBacktest(req) };
  } catch (err) {
    return { id: t.id, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', async (msg: ToWorker) => {
  try {
    if (msg.type === 'init') {
      job = msg.job;
      const registry = new StrategyRegistry();
      strategy = (await registry.resolve(msg.job.strategy)).strategy;
      parentPort?.postMessage({ type: 'ready' });
    } else {
      parentPort?.postMessage({ type: 'results', results: msg.tasks.map(evaluate) });
    }
  } catch (err) {
    parentPort?.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  }
});
