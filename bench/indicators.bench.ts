/**
 * Each indicator kernel on 1,000,000 candles, measured in the same run against
 * - trading-signals' streaming classes fed the same candles (target: ≥ 5× faster for RSI, ATR and Bollinger), and
 * - a bare Float64Array loop doing the same arithmetic (bench/indicator-baselines.ts; target: ≤ 1.5× its time).
 *
 * Times are process CPU time (user + system): other processes' load on a shared machine stretches wall time, not
 * this. One call takes 2–25 ms, too short to time reliably (scheduler ticks, a stray GC), so a timing repeats the
 * call until the bare loop's timing is ≥ 50 ms, and both sides use the same repeat count. Both are warmed up first
 * (JIT tiering makes the first calls several times slower), then timed in interleaved rounds, alternating which side
 * goes first so both see the same machine state; the figure is the best round of each side.
 * `MTS_BENCH_ROUNDS` (default 9) and `MTS_BENCH_TIMING_MS` (default 50) tune this.
 *
 * The measuring runs in a child process with glibc's malloc told to keep freed memory (MALLOC_MMAP_THRESHOLD_,
 * MALLOC_TRIM_THRESHOLD_). By default each multi-megabyte output array is mmapped or the heap is trimmed after a
 * GC, so whether a call pays for page faults on its outputs depends on GC timing: the same 2 ms loop showed 0.5 to
 * 3.4 ms of system time per call from one round to the next. With the settings every output is a reused block
 * zeroed by calloc, a steady cost and the same on both sides (each bare loop allocates the same outputs as its
 * kernel); system time drops to near zero.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ATR as TsATR, BollingerBands as TsBB, EMA as TsEMA, MACD as TsMACD, RSI as TsRSI, SMA as TsSMA } from 'trading-signals';
import * as ind from '../src/indicators/index.js';
import * as bare from './indicator-baselines.js';
import type { BenchResult } from './harness.js';

const N = 1_000_000;

/** A seeded geometric random walk with highs and lows around it: realistic magnitudes, reproducible. */
function market(n: number) {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const close = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const other = new Float64Array(n);
  let p = 40000;
  let q = 2500;
  for (let i = 0; i < n; i++) {
    const r = (rnd() - 0.5) * 0.02;
    p *= Math.exp(r);
    q *= Math.exp(0.8 * r + (rnd() - 0.5) * 0.01);
    close[i] = p;
    high[i] = p * (1 + rnd() * 0.01);
    low[i] = p * (1 - rnd() * 0.01);
    other[i] = q;
  }
  return { close, high, low, other };
}

/** CPU milliseconds (user + system) of `reps` calls of fn. */
function cpuMs(reps: number, fn: () => unknown): number {
  const t = process.cpuUsage();
  for (let r = 0; r < reps; r++) fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

/** Best CPU milliseconds of `runs` single calls after `warm` unmeasured ones. */
function cpuBest(warm: number, runs: number, fn: () => unknown): number {
  for (let i = 0; i < warm; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, cpuMs(1, fn));
  return best;
}

const ROUNDS = Number(process.env.MTS_BENCH_ROUNDS ?? 9);
const TIMING_MS = Number(process.env.MTS_BENCH_TIMING_MS ?? 50);

/**
 * Kernel against bare loop: warm-up, a repeat count making one bare timing ≥ TIMING_MS, then ROUNDS interleaved
 * rounds. Returns the best time per call of each side, and the spread of the per-round ratios (for the log).
 */
function versus(ours: () => unknown, bareFn: () => unknown): { oursMs: number; bareMs: number; lo: number; hi: number } {
  for (let i = 0; i < 5; i++) {
    ours();
    bareFn();
  }
  const single = cpuBest(0, 3, bareFn);
  const reps = Math.max(1, Math.ceil(TIMING_MS / Math.max(single, 0.1)));
  let oursMs = Number.POSITIVE_INFINITY;
  let bareMs = Number.POSITIVE_INFINITY;
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let o: number;
    let b: number;
    if (r % 2 === 0) {
      o = cpuMs(reps, ours);
      b = cpuMs(reps, bareFn);
    } else {
      b = cpuMs(reps, bareFn);
      o = cpuMs(reps, ours);
    }
    oursMs = Math.min(oursMs, o / reps);
    bareMs = Math.min(bareMs, b / reps);
    ratios.push(o / b);
  }
  return { oursMs, bareMs, lo: Math.min(...ratios), hi: Math.max(...ratios) };
}

interface Kernel {
  name: string;
  ours: () => unknown;
  bare: () => unknown;
  peer?: () => unknown;
  target?: boolean;
}

function measure(): BenchResult[] {
  const { close, high, low, other } = market(N);
  const kernels: Kernel[] = [
    {
      name: 'sma(20)',
      ours: () => ind.sma(close, 20),
      bare: () => bare.bareSma(close, 20),
      peer: () => {
        const t = new TsSMA(20);
        for (let i = 0; i < N; i++) t.add(close[i]);
      },
    },
    {
      name: 'ema(26)',
      ours: () => ind.ema(close, 26),
      bare: () => bare.bareEma(close, 26),
      peer: () => {
        const t = new TsEMA(26);
        for (let i = 0; i < N; i++) t.add(close[i]);
      },
    },
    {
      name: 'rsi(14)',
      ours: () => ind.rsi(close, 14),
      bare: () => bare.bareRsi(close, 14),
      peer: () => {
        const t = new TsRSI(14);
        for (let i = 0; i < N; i++) t.add(close[i]);
      },
      target: true,
    },
    {
      name: 'macd(12,26,9)',
      ours: () => ind.macd(close),
      bare: () => bare.bareMacd(close),
      peer: () => {
        const t = new TsMACD(new TsEMA(12), new TsEMA(26), new TsEMA(9));
        for (let i = 0; i < N; i++) t.add(close[i]);
      },
    },
    {
      name: 'bollinger(20,2)',
      ours: () => ind.bollinger(close, 20, 2),
      bare: () => bare.bareBollinger(close, 20, 2),
      peer: () => {
        const t = new TsBB(20, 2);
        for (let i = 0; i < N; i++) t.add(close[i]);
      },
      target: true,
    },
    {
      name: 'atr(14)',
      ours: () => ind.atr(high, low, close, 14),
      bare: () => bare.bareAtr(high, low, close, 14),
      peer: () => {
        const t = new TsATR(14);
        for (let i = 0; i < N; i++) t.add({ high: high[i], low: low[i], close: close[i] });
      },
      target: true,
    },
    { name: 'rollingStd(20)', ours: () => ind.rollingStd(close, 20), bare: () => bare.bareStd(close, 20) },
    { name: 'rollingMax(336)', ours: () => ind.rollingMax(close, 336), bare: () => bare.bareMax(close, 336) },
    { name: 'rollingCorrelation(72)', ours: () => ind.rollingCorrelation(close, other, 72), bare: () => bare.bareCorrelation(close, other, 72) },
    { name: 'zscore(50)', ours: () => ind.zscore(close, 50), bare: () => bare.bareZscore(close, 50) },
    { name: 'percentileRank(100)', ours: () => ind.percentileRank(close, 100), bare: () => bare.barePercentileRank(close, 100) },
    { name: 'drawdownFromHigh(336)', ours: () => ind.drawdownFromHigh(close, 336), bare: () => bare.bareDrawdown(close, 336) },
    { name: 'olsBeta(72)', ours: () => ind.olsBeta(other, close, 72), bare: () => bare.bareOls(other, close, 72) },
    { name: 'logReturns', ours: () => ind.logReturns(close), bare: () => bare.bareLogReturns(close) },
    { name: 'pctChange(24)', ours: () => ind.pctChange(close, 24), bare: () => bare.barePctChange(close, 24) },
  ];
  const rows: BenchResult[] = [];
  for (const k of kernels) {
    const { oursMs, bareMs, lo, hi } = versus(k.ours, k.bare);
    process.stderr.write(`  ${k.name}: per-round ratio ${lo.toFixed(2)}–${hi.toFixed(2)}\n`);
    const perSec = (ms: number) => N / (ms / 1000);
    if (k.peer) {
      const peerMs = cpuBest(1, 2, k.peer);
      rows.push({
        name: `indicators ${k.name} vs trading-signals`,
        figure: perSec(oursMs),
        unit: 'candles/s',
        baselineName: 'trading-signals',
        baseline: perSec(peerMs),
        ratio: peerMs / oursMs,
        target: k.target ? '>= 5x' : undefined,
      });
    }
    rows.push({
      name: `indicators ${k.name} vs bare loop`,
      figure: oursMs,
      unit: 'ms',
      baselineName: 'bare loop',
      baseline: bareMs,
      ratio: oursMs / bareMs,
      target: '<= 1.5x',
      lowerIsBetter: true,
    });
  }
  return rows;
}

const CHILD = 'MTS_BENCH_INDICATORS_CHILD';

export default async function bench(): Promise<BenchResult[]> {
  const json = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD]: '1', MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(2 ** 34) },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  return JSON.parse(json) as BenchResult[];
}

if (process.env[CHILD] === '1') process.stdout.write(JSON.stringify(measure()));
