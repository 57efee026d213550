/**
 * A pool of worker threads evaluating backtests. The data is sent once per worker; tasks go out in small batches
 * to whichever worker is free, and results are keyed by task id, so the outcome never depends on scheduling.
 * Under tsx (the CLI runs the TypeScript sources) each worker starts from a small .mjs entry that registers tsx.
 */
import { Worker } from 'node:worker_threads';
import type { Metrics } from '../analytics/metrics.js';
import { InternalError } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import type { CandleColumns, MacroObservation } from '../core/types.js';
import type { RiskConfig } from '../risk/index.js';

/** Everything a worker needs once: the strategy (a registry name or a file path), the data and the settings. */
export interface EvalJob {
  strategy: string;
  origin: string;
  symbols: string[];
  base: [string, CandleColumns][];
  baseTimeframe: Timeframe;
  macro: [string, MacroObservation[]][];
  from?: number;
  to?: number;
  cash: number;
  feeBps: number;
  slippageBps: number;
  impact: number;
  sizeOverride: number | null;
  risk: RiskConfig | null;
}

export interface EvalTask {
  id: number;
  params: Record<string, unknown>;
  /** Overrides of the job's period (walk-forward folds). */
  from?: number;
  to?: number;
}

export interface EvalResult {
  id: number;
  metrics?: Metrics;
  error?: string;
}

export type ToWorker = { type: 'init'; job: EvalJob } | { type: 'tasks'; tasks: EvalTask[] };
type FromWorker = { type: 'ready' } | { type: 'results'; results: EvalResult[] } | { type: 'failed'; error: string };

function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './optimize-worker-tsx.mjs' : './optimize-worker.js', import.meta.url);
}

/** What evaluates a sweep's tasks: worker threads here (BacktestPool), or `mts worker` processes through Redis. */
export interface Evaluator {
  run(tasks: readonly EvalTask[], onProgress?: (done: number, total: number) => void): Promise<EvalResult[]>;
  close(): Promise<void>;
}

export class BacktestPool implements Evaluator {
  private readonly workers: Worker[] = [];
  private ready: Promise<void>;

  constructor(job: EvalJob, size: number) {
    const url = workerUrl();
    const starts: Promise<void>[] = [];
    for (let i = 0; i < Math.max(1, size); i++) {
      const w = new Worker(url);
      this.workers.push(w);
      starts.push(
        new Promise<void>((resolve, reject) => {
          const onMsg = (m: FromWorker) => {
            w.off('message', onMsg);
            if (m.type === 'ready') resolve();
            else reject(new InternalError('E_OPTIMIZE_WORKER', `optimize worker could not start: ${m.type === 'failed' ? m.error : m.type}`));
          };
          w.on('message', onMsg);
          w.once('error', reject);
        }),
      );
      w.postMessage({ type: 'init', job } satisfies ToWorker);
    }
    this.ready = Promise.all(starts).then(() => undefined);
    this.ready.catch(() => {});
  }

  get size(): number {
    return this.workers.length;
  }

  /** Evaluates every task; results in task order. */
  async run(tasks: readonly EvalTask[], onProgress?: (done: number, total: number) => void, batch = 8): Promise<EvalResult[]> {
    await this.ready;
    const results = new Map<number, EvalResult>();
    let next = 0;
    let done = 0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= tasks.length) {
                w.off('message', onMsg);
                w.off('error', reject);
                resolve();
                return;
              }
              const slice = tasks.slice(next, next + batch);
              next += slice.length;
              w.postMessage({ type: 'tasks', tasks: slice } satisfies ToWorker);
            };
            const onMsg = (m: FromWorker) => {
              if (m.type === 'failed') return reject(new InternalError('E_OPTIMIZE_WORKER', m.error));
              if (m.type !== 'results') return;
              for (const r of m.results) results.set(r.id, r);
              done += m.results.length;
              onProgress?.(done, tasks.length);
              send();
            };
            w.on('message', onMsg);
            w.once('error', reject);
            send();
          }),
      ),
    );
    return tasks.map((t) => results.get(t.id) as EvalResult);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
