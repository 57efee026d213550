/**
 * A worker thread of `mts optimize`: receives the market data and settings once, then evaluates batches of
 * parameter sets (metrics only) and sends the results back keyed by their index in the grid.
 */
import { parentPort } from 'node:worker_threads';
import { StrategyRegistry } from '../strategies/registry.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { evaluateTask } from './eval-task.js';
import type { EvalJob, ToWorker } from './pool.js';

let strategy: AnyStrategy | undefined;
let job: EvalJob | undefined;

parentPort?.on('message', async (msg: ToWorker) => {
  try {
    if (msg.type === 'init') {
      job = msg.job;
      const registry = new StrategyRegistry();
      strategy = (await registry.resolve(msg.job.strategy)).strategy;
      parentPort?.postMessage({ type: 'ready' });
    } else {
      parentPort?.postMessage({ type: 'results', results: msg.tasks.map((t) => evaluateTask(job as EvalJob, strategy as AnyStrategy, t)) });
    }
  } catch (err) {
    parentPort?.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  }
});
