/**
 * A pool of worker threads evaluating backtests, optionally with the calling thread as one more evaluator. The data
 * is sent once per thread; tasks go out in batches (two in flight per thread, smaller near the end of a sweep) to
 * whichever evaluator is free, and results are stored by their task's position, so the outcome never depends on
 * scheduling. The calling thread evaluates from the first moment; threads start in the background only when the
 * work left after its first few backtests repays their start-up, and a thread not ready yet simply gets fewer tasks.
 * Under tsx (the CLI runs the TypeScript sources) a thread starts from a bundle of the worker built once and cached
 * (optimize-worker-bundle.ts), or from a small .mjs entry that registers tsx (strategy files, or no bundle).
 */
import { Worker } from 'node:worker_threads';
import type { Metrics } from '../analytics/metrics.js';
import { InternalError } from '../core/errors.js';
import type { Timeframe } from '../core/time.js';
import type { CandleColumns, MacroObservation } from '../core/types.js';
import type { RiskConfig } from '../risk/index.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { looksLikeStrategyFile } from '../strategies/loader.js';
import { evaluateTask } from './eval-task.js';
import { bundledWorkerEntry } from './optimize-worker-bundle.js';

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

/** Where a thread starts: the compiled worker, the cached bundle (built-in strategies), or the tsx entry. */
async function workerEntry(job: EvalJob): Promise<URL | string> {
  if (!import.meta.url.endsWith('.ts')) return new URL('./optimize-worker.js', import.meta.url);
  const bundle = looksLikeStrategyFile(job.strategy) ? null : await bundledWorkerEntry();
  return bundle ?? new URL('./optimize-worker-tsx.mjs', import.meta.url);
}

const PRELOAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * This process's Node flags without its module preloads and loaders (`node --import tsx …`): a thread would load
 * them again (~0.1 s) and needs none; each thread entry sets up what it needs itself.
 */
function threadExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].split('=')[0];
    if (!PRELOAD_FLAGS.has(flag)) out.push(argv[i]);
    else if (!argv[i].includes('=')) i++; // its value is the next argument
  }
  return out;
}

/** What evaluates a sweep's tasks: worker threads here (BacktestPool), or `mts worker` processes through Redis. */
export interface Evaluator {
  run(tasks: readonly EvalTask[], onProgress?: (done: number, total: number) => void): Promise<EvalResult[]>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /**
   * The strategy (the one the threads resolve from the job) to evaluate tasks on the calling thread too; it then
   * counts as one of the pool's evaluators. Without it every evaluator is a worker thread.
   */
  local?: AnyStrategy;
}

/** Largest batch a thread is sent; with two in flight, enough to hide a message round trip. */
const MAX_BATCH = 8;
/** How long the calling thread evaluates before it lets the threads' messages through, ms. */
const LOCAL_SLICE_MS = 4;
/**
 * A worker thread takes ~0.05 s to start, then runs slowly for ~0.2 s while its code warms up, taking a core from
 * anything else meanwhile (measured: on a busy 2-core machine, 190 backtests of 10,000 bars took as long or longer
 * with a thread than without): when the calling thread has less work than this left (estimated from its first few
 * ms of a run), it does it alone. ms.
 */
const THREAD_WORTH_MS = 400;

interface Thread {
  worker?: Worker;
  ready: boolean;
  failure?: Error;
  /** Largest batch to send it now: 1 when it starts, doubling with each answer (its code warms up). */
  batchLimit: number;
  /**
   * Batches sent and not answered yet, oldest first (a thread answers in order). They may belong to a run that
   * ended (its tasks were taken over): their answers are then dropped.
   */
  queue: { run: number; from: number; to: number }[];
  started: Promise<void>;
  /** Set by a run while it uses this thread. */
  onMessage?: (m: FromWorker) => void;
  onFailure?: (err: Error) => void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export class BacktestPool implements Evaluator {
  private readonly threads: Thread[] = [];
  private readonly local: AnyStrategy | undefined;
  private closed = false;
  /** A run that failed may leave batches in flight: the pool is not used again. */
  private broken: Error | undefined;
  private runs = 0;
  /** Worker threads to use; with the calling thread taking part they start once a run is big enough. */
  private readonly threadCount: number;

  constructor(
    private readonly job: EvalJob,
    size: number,
    opts: PoolOptions = {},
  ) {
    this.local = opts.local;
    this.threadCount = Math.max(1, size) - (this.local ? 1 : 0);
    if (!this.local) this.spawnThreads();
  }

  private spawnThreads(): void {
    if (this.threads.length > 0 || this.threadCount === 0 || this.closed) return;
    const entry = workerEntry(this.job);
    for (let i = 0; i < this.threadCount; i++) this.threads.push(this.spawn(entry));
  }

  private spawn(entry: Promise<URL | string>): Thread {
    const t: Thread = { ready: false, batchLimit: 1, queue: [], started: Promise.resolve() };
    const fail = (err: Error) => {
      t.failure ??= err;
      t.onFailure?.(err);
    };
    t.started = entry.then(
      (url) =>
        new Promise<void>((resolve, reject) => {
          if (this.closed) return resolve();
          const w = new Worker(url, { execArgv: threadExecArgv() });
          t.worker = w;
          w.on('message', (m: FromWorker) => {
            if (t.ready) return t.onMessage?.(m);
            if (m.type === 'ready') {
              t.ready = true;
              return resolve();
            }
            reject(new InternalError('E_OPTIMIZE_WORKER', `optimize worker could not start: ${m.type === 'failed' ? m.error : m.type}`));
          });
          w.on('error', (err) => (t.ready ? fail(err) : reject(err)));
          w.on('exit', (code) => {
            const err = new InternalError('E_OPTIMIZE_WORKER', `optimize worker exited (code ${code})`);
            if (!this.closed) t.ready ? fail(err) : reject(err);
          });
          w.postMessage({ type: 'init', job: this.job } satisfies ToWorker);
        }),
    );
    t.started.catch(fail);
    return t;
  }

  /** Evaluators: the worker threads, plus the calling thread when it takes part. */
  get size(): number {
    return this.threadCount + (this.local ? 1 : 0);
  }

  /** Starts the threads now (if not yet) and resolves when every one has started, or rejects with the first that could not. */
  async started(): Promise<void> {
    this.spawnThreads();
    await Promise.all(this.threads.map((t) => t.started));
  }

  /**
   * Evaluates every task; results in task order. When nothing is left to hand out, the calling thread takes over the
   * tasks the threads would reach last (their code may still be cold): whichever evaluation of a task ends first is
   * kept, and both give the same metrics (the same code on the same data).
   */
  run(tasks: readonly EvalTask[], onProgress?: (done: number, total: number) => void): Promise<EvalResult[]> {
    if (this.closed) return Promise.reject(new InternalError('E_OPTIMIZE_WORKER', 'the backtest pool is closed'));
    const failure = this.broken ?? this.threads.find((t) => t.failure)?.failure;
    if (failure) return Promise.reject(failure);
    const results: EvalResult[] = new Array(tasks.length);
    if (tasks.length === 0) return Promise.resolve(results);
    const evaluators = this.size;
    const filled = new Uint8Array(tasks.length);
    const takenOver = new Uint8Array(tasks.length);
    const run = ++this.runs;
    let next = 0;
    let done = 0;
    let finished = false;
    return new Promise<EvalResult[]>((resolve, reject) => {
      const detach = () => {
        finished = true;
        for (const t of this.threads) {
          t.onMessage = undefined;
          t.onFailure = undefined;
        }
      };
      const fail = (err: Error) => {
        if (finished) return;
        detach();
        this.broken = err;
        reject(err);
      };
      /** Stores a result unless the task was already evaluated; returns how many tasks got done (0 or 1). */
      const fill = (i: number, r: EvalResult): number => {
        if (filled[i]) return 0;
        filled[i] = 1;
        results[i] = r;
        return 1;
      };
      const completed = (n: number) => {
        if (n === 0 || finished) return;
        done += n;
        onProgress?.(done, tasks.length);
        if (done === tasks.length) {
          detach();
          resolve(results);
        }
      };
      // Guided batches: large while much is left, down to one task at the end, so evaluators finish together;
      // a thread's first batches are small (its code is not optimized yet) and double as it answers.
      const batch = (limit: number): [number, number] => {
        const n = Math.max(1, Math.min(limit, MAX_BATCH, Math.floor((tasks.length - next) / (4 * evaluators))));
        const from = next;
        next = Math.min(tasks.length, next + n);
        return [from, next];
      };
      const attach = (t: Thread) => {
        const pump = () => {
          while (!finished && t.queue.length < 2 && next < tasks.length) {
            const [from, to] = batch(t.batchLimit);
            t.queue.push({ run, from, to });
            t.worker?.postMessage({ type: 'tasks', tasks: tasks.slice(from, to) } satisfies ToWorker);
          }
        };
        t.onFailure = fail;
        t.onMessage = (m) => {
          if (m.type === 'failed') return fail(new InternalError('E_OPTIMIZE_WORKER', m.error));
          if (m.type !== 'results') return;
          const sent = t.queue.shift();
          t.batchLimit = Math.min(MAX_BATCH, t.batchLimit * 2);
          let n = 0;
          if (sent?.run === run) for (let k = 0; k < m.results.length; k++) n += fill(sent.from + k, m.results[k]);
          pump();
          completed(n);
        };
        if (t.ready) pump();
        else t.started.then(() => !finished && t.ready && pump(), fail);
      };
      for (const t of this.threads) attach(t);
      if (!this.local) return;
      /** After the calling thread's first slice of the run (ms per backtest): start the threads if the rest repays them. */
      const measured = (ms: number) => {
        if (finished || this.threads.length > 0 || ms * (tasks.length - next) < THREAD_WORTH_MS) return;
        this.spawnThreads();
        for (const t of this.threads) attach(t);
      };
      const take = (): number => {
        if (finished) return -1;
        if (next < tasks.length) return next++;
        for (const t of this.threads) {
          for (let q = t.queue.length - 1; q >= 0; q--) {
            if (t.queue[q].run !== run) continue;
            for (let i = t.queue[q].to - 1; i >= t.queue[q].from; i--) {
              if (!filled[i] && !takenOver[i]) {
                takenOver[i] = 1;
                return i;
              }
            }
          }
        }
        return -1;
      };
      this.evaluateHere(this.local, tasks, take, fill, completed, measured).catch(fail);
    });
  }

  /** The calling thread's share: tasks one by one, letting the threads' messages through every few ms. */
  private async evaluateHere(
    strategy: AnyStrategy,
    tasks: readonly EvalTask[],
    take: () => number,
    fill: (i: number, r: EvalResult) => number,
    completed: (n: number) => void,
    measured: (ms: number) => void,
  ): Promise<void> {
    let first = true;
    for (;;) {
      const t0 = performance.now();
      let n = 0;
      let i = take();
      while (i >= 0) {
        n += fill(i, evaluateTask(this.job, strategy, tasks[i]));
        if (performance.now() - t0 >= LOCAL_SLICE_MS) break;
        i = take();
      }
      if (first && n > 0) {
        first = false;
        measured((performance.now() - t0) / n);
      }
      completed(n);
      if (i < 0) return;
      await yieldToEvents();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker?.terminate()));
  }
}
