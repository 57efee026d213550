/**
 * One parameter set of a sweep evaluated to its metrics: what a worker thread of `mts optimize` does, and what a
 * `mts worker` process does for `mts optimize --distributed`. Both build the same request, so both rank alike.
 */
import type { AnyStrategy } from '../strategies/contract.js';
import type { EvalJob, EvalResult, EvalTask } from './pool.js';
import { type BacktestRequest, evaluateBacktest } from './run.js';

export function evaluateTask(job: EvalJob, strategy: AnyStrategy, t: EvalTask): EvalResult {
  const req: BacktestRequest = {
    strategy,
    origin: job.origin,
    params: t.params,
    symbols: job.symbols,
    base: new Map(job.base),
    baseTimeframe: job.baseTimeframe,
    macro: new Map(job.macro),
    from: t.from ?? job.from,
    to: t.to ?? job.to,
    cash: job.cash,
    feeBps: job.feeBps,
    slippageBps: job.slippageBps,
    impact: job.impact,
    sizeOverride: job.sizeOverride,
    risk: job.risk,
  };
  try {
    return { id: t.id, metrics: evaluateBacktest(req) };
  } catch (err) {
    return { id: t.id, error: err instanceof Error ? err.message : String(err) };
  }
}
