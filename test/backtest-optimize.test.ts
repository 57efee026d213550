/**
 * `optimize` over worker threads: the same ranking twice and with 1 or 2 workers, each row's metrics equal a
 * single backtest of its parameters, and walk-forward folds test each in-sample winner on the next window.
 * The calling thread, the bundled worker threads and the tsx worker threads give the same bytes; the bundle is
 * rebuilt when a source it was built from changes; `mts optimize` (the real CLI) gives the same bytes with 1 or 2
 * workers, for a built-in strategy and for a strategy file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseGrid, combinations } from '../src/backtest/grid.js';
import { optimize, walkForwardWindows } from '../src/backtest/optimize.js';
import { bundle } from '../src/backtest/optimize-worker-bundle.js';
import { evaluateTask } from '../src/backtest/eval-task.js';
import { BacktestPool, type EvalJob } from '../src/backtest/pool.js';
import { type BacktestRequest, runBacktest } from '../src/backtest/run.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { openStore } from '../src/storage/store.js';
import { REPO_ROOT, tempDir } from './helpers/env.js';
import { loadCsvCandles } from './helpers/real-candles.js';
import { realCandles } from './helpers/real-market.js';

const H = 3_600_000;
const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
const request: BacktestRequest = {
  strategy: smaCross,
  base: new Map([['BTC/USDT', btc]]),
  baseTimeframe: '1h',
  from: Date.UTC(2023, 0, 1),
  to: Date.UTC(2023, 5, 30, 23),
  cash: 10_000,
  feeBps: 10,
  slippageBps: 5,
  sizeOverride: 1,
  risk: null,
};
const grid = parseGrid('fast=5:15:5,slow=30:50:10');

describe('grid', () => {
  it('expands start:end:step ranges, lists and single values in a fixed order', () => {
    expect(parseGrid('a=0.1:0.3:0.1,b=x|y,c=3')).toEqual([['a', [0.1, 0.2, 0.3]], ['b', ['x', 'y']], ['c', [3]]]);
    expect(combinations(grid).map((c) => `${c.fast}/${c.slow}`)).toEqual(['5/30', '5/40', '5/50', '10/30', '10/40', '10/50', '15/30', '15/40', '15/50']);
    expect(() => parseGrid('fast=50:5:5')).toThrow(/end 5 is below the start 50/);
    expect(() => parseGrid('fast')).toThrow(/name=start:end:step/);
  });

  it('walk-forward windows tile the period on the bar grid', () => {
    const w = walkForwardWindows(0, 99 * H, H, 3);
    expect(w).toEqual([{ from: 0, to: 24 * H }, { from: 25 * H, to: 49 * H }, { from: 50 * H, to: 74 * H }, { from: 75 * H, to: 99 * H }]);
  });
});

describe('optimize', () => {
  it('ranks reproducibly (twice, and with 1 or 2 workers) and each row equals a single backtest', async () => {
    const a = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 2 });
    // a second run, with a different number of workers (so a different task schedule), gives the same bytes
    const again = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers: 1 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(a));
    expect(a.results).toHaveLength(9);
    const values = a.results.map((r) => r.objective as number);
    expect(values).toEqual([...values].sort((x, y) => y - x));
    for (const r of [a.results[0], a.results[8]]) {
      const single = runBacktest({ ...request, params: r.params }).document.metrics;
      expect(r.metrics).toEqual(single);
      expect(r.objective).toBe(single.sharpe);
    }
  });

  it('the calling thread alone, worker threads alone (bundled or through tsx) and both together rank alike', async () => {
    // 1,000 combinations: enough work left after the first backtest that the calling thread starts a worker thread
    const wide = parseGrid('fast=2:51:1,slow=55:150:5');
    const base = { request, strategyRef: 'sma_cross', grid: wide, objective: 'calmar' as const };
    const here = JSON.stringify(await optimize({ ...base, workers: 1 }));
    const bundled = JSON.stringify(await optimize({ ...base, workers: 2, callingThread: false }));
    const both = JSON.stringify(await optimize({ ...base, workers: 2 }));
    process.env.MTS_WORKER_BUNDLE = '0';
    try {
      expect(JSON.stringify(await optimize({ ...base, workers: 1, callingThread: false }))).toBe(here);
    } finally {
      delete process.env.MTS_WORKER_BUNDLE;
    }
    expect(bundled).toBe(here);
    expect(both).toBe(here);
    expect(JSON.parse(here).results).toHaveLength(1000);
  });

  it('a pool run after one whose tasks the calling thread took over from a thread gets its own results', async () => {
    const job: EvalJob = { strategy: 'sma_cross', origin: 'builtin', symbols: ['BTC/USDT'], base: [['BTC/USDT', btc]], baseTimeframe: '1h', macro: [], from: request.from, to: request.to, cash: 10_000, feeBps: 10, slippageBps: 5, impact: 0, sizeOverride: 1, risk: null };
    const tasks = (spec: string) => combinations(parseGrid(spec)).map((params, id) => ({ id, params }));
    const first = tasks('fast=3:6:1,slow=20');
    const second = tasks('fast=7:30:1,slow=40|60');
    const expected = second.map((t) => evaluateTask(job, smaCross, t));
    const pool = new BacktestPool(job, 2, { local: smaCross });
    try {
      await pool.started();
      // the thread is sent tasks of the first run; this (warm) thread finishes them all, its answers come late
      expect((await pool.run(first)).map((r) => r.metrics)).toEqual(first.map((t) => evaluateTask(job, smaCross, t).metrics));
      expect(await pool.run(second)).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('walk-forward: each fold optimizes in sample and tests the winner out of sample', async () => {
    const doc = await optimize({ request, strategyRef: 'sma_cross', grid, objective: 'return', workers: 2, walkForward: 2 });
    expect(doc.walk_forward).toHaveLength(2);
    const windows = walkForwardWindows(request.from as number, request.to as number, H, 2);
    for (const f of doc.walk_forward) {
      const is = windows[f.fold - 1];
      const oos = windows[f.fold];
      expect([f.in_sample.from, f.in_sample.to, f.out_of_sample.from, f.out_of_sample.to]).toEqual([is.from, is.to, oos.from, oos.to]);
      // the in-sample winner is the best of the grid on that window alone
      const best = combinations(grid)
        .map((p) => ({ p, v: runBacktest({ ...request, params: p, from: is.from, to: is.to }).document.metrics.total_return }))
        .sort((x, y) => y.v - x.v)[0];
      expect(f.in_sample.best_params).toEqual(best.p);
      const test = runBacktest({ ...request, params: best.p, from: oos.from, to: oos.to }).document.metrics;
      expect(f.out_of_sample.objective).toBe(test.total_return);
    }
  });
});

describe('worker bundle', () => {
  it('is reused while its sources are unchanged and rebuilt when one changes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-bundle-'));
    try {
      writeFileSync(path.join(dir, 'dep.ts'), 'export const value: number = 1;\n');
      writeFileSync(path.join(dir, 'entry.ts'), "import { value } from './dep.js';\nexport const answer = value * 10;\n");
      const spec = { entry: path.join(dir, 'entry.ts'), root: dir, cacheDir: path.join(dir, 'cache'), name: 'entry' };
      const first = await bundle(spec);
      expect((await import(pathToFileURL(first).href)).answer).toBe(10);
      const again = await bundle(spec);
      expect(again).toBe(first);
      expect(statSync(again).mtimeMs).toBe(statSync(first).mtimeMs);
      writeFileSync(path.join(dir, 'dep.ts'), 'export const value: number = 2;\n');
      const rebuilt = await bundle(spec);
      expect(rebuilt).not.toBe(first);
      expect((await import(pathToFileURL(rebuilt).href)).answer).toBe(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const SMA_FILE = `import { defineStrategy } from 'mts';
export default defineStrategy({
  name: 'above_mean',
  description: 'long above the n-bar mean of closes, flat below',
  timeframe: '1h',
  params: { n: { default: 20, min: 2, integer: true, description: 'bars' } },
  warmupBars: (p) => p.n,
  onBar: ({ bar, params, position }) => {
    let s = 0;
    for (let k = 0; k < params.n; k++) s += bar.close(k);
    const above = bar.close(0) > s / params.n;
    if (above && position() === null) return { side: 'LONG', size: 1 };
    if (!above && position() !== null) return { side: 'CLOSE' };
    return null;
  },
});
`;

describe('mts optimize', () => {
  const exec = promisify(execFile);
  const dir = tempDir('mts-opt-cli-');
  const db = `sqlite:${path.join(dir, 'mts.db')}`;
  const mts = (...args: string[]) => exec(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), '--db', db, '--log-level', 'warn', ...args], { cwd: dir, env: { ...process.env, MTS_DATA_DIR: dir } });

  it('gives the same document with 1 or 2 workers, for a built-in strategy and a strategy file', async () => {
    const store = await openStore(db);
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, realCandles('BTC/USDT', '1h', Date.UTC(2023, 0, 1), Date.UTC(2023, 11, 31, 23)));
    await store.close();
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(dir, 'above-mean.ts'), SMA_FILE);
    const common = ['--symbols', 'BTC/USDT', '--from', '2023-01-01', '--to', '2023-12-31', '--no-risk', '--size', '1'];
    for (const [strategy, spec] of [['sma_cross', 'fast=5:25:5,slow=30:120:10'], ['./above-mean.ts', 'n=5:100:5']]) {
      const docs: string[] = [];
      for (const workers of ['2', '1']) {
        const out = `sweep-${workers}.json`;
        const r = await mts('optimize', '--strategy', strategy, ...common, '--grid', spec, '--walk-forward', '2', '--workers', workers, '--top', '3', '--out', out);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(new RegExp(`combinations over ${workers} worker\\(s\\), by sharpe`));
        expect(r.stdout).toMatch(/^fold 2: in-sample/m);
        docs.push(readFileSync(path.join(dir, out), 'utf8'));
      }
      expect(docs[0]).toBe(docs[1]);
      const doc = JSON.parse(docs[0]);
      expect(doc.results).toHaveLength(strategy === 'sma_cross' ? 50 : 20);
      expect(doc.walk_forward).toHaveLength(2);
    }
  }, 120_000);
});
