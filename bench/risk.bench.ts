/**
 * Risk decisions per second on a 10-position portfolio (the backtest calls decide once per signal). Baseline, in the
 * same run: a bare loop doing the same arithmetic inline (one pass over the positions for heat, asset and sector
 * exposure and correlation, then the size caps), with no objects, messages or config lookups — the floor decide
 * cannot beat. Target: >= 1,000,000 decisions/s.
 */
import { buildConfig } from '../src/config/index.js';
import type { MarkedPosition, Signal } from '../src/core/types.js';
import { decide, type MarketState, type RiskPortfolio, sectorOf } from '../src/risk/index.js';
import type { BenchResult } from './harness.js';

/**
 * Best of `runs` in CPU milliseconds of this process (user + system) rather than wall time: on a machine shared
 * with other jobs, wall time measures the neighbours; the CPU time a single-threaded loop takes does not.
 */
function bestCpuMs(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

const risk = buildConfig().risk;
const HELD: [string, number, number][] = [
  ['BTC/USDT', 60_000, 0.05],
  ['ETH/USDT', 3_000, 0.04],
  ['BNB/USDT', 500, 0.03],
  ['SOL/USDT', 150, 0.04],
  ['XRP/USDT', 0.6, 0.03],
  ['DOGE/USDT', 0.1, 0.02],
  ['ADA/USDT', 0.5, 0.03],
  ['AVAX/USDT', 30, 0.03],
  ['DOT/USDT', 7, 0.02],
  ['LINK/USDT', 15, 0.02],
];
const EQUITY = 100_000;
const positions: MarkedPosition[] = HELD.map(([symbol, price, share], i) => ({
  symbol,
  side: i % 3 === 2 ? 'SHORT' : 'LONG',
  quantity: (share * EQUITY) / price,
  avgPrice: price,
  entryTs: 0,
  stopLoss: i % 3 === 2 ? price * 1.02 : price * 0.98,
  takeProfit: null,
  marketPrice: price,
}));
const book: RiskPortfolio = { ts: 0, cash: EQUITY * 0.7, equity: EQUITY, peakEquity: EQUITY * 1.05, dayStartEquity: EQUITY * 1.01, positions };
const correlations: Record<string, number> = Object.fromEntries(HELD.map(([s], i) => [s, 0.2 + 0.05 * i]));
const markets: MarketState[] = HELD.map(([, price]) => ({ price, atr: price * 0.01, volatility: 0.6, avgDailyVolume: 5e8, correlations }));
const signals: Signal[] = HELD.map(([symbol, price], i) => ({
  ts: 0,
  strategy: 'bench',
  symbol,
  side: i % 4 === 3 ? 'CLOSE' : i % 2 === 0 ? 'LONG' : 'SHORT',
  confidence: 0.5 + 0.04 * i,
  strength: 'MODERATE',
  price,
  size: 0,
  stopLoss: null,
  takeProfit: null,
}));

/** The same arithmetic as decide, inline: what a hand-fused loop would cost. */
function bareDecision(k: number, sectorIds: Int32Array, corr: Float64Array, signalSector: Int32Array): number {
  const s = signals[k];
  const m = markets[k];
  const price = m.price as number;
  const d = (2 * (m.atr as number)) / price;
  let heat = 0;
  let asset = 0;
  let sector = 0;
  let maxCorr = -1;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const value = p.quantity * p.marketPrice;
    const dist = p.side === 'LONG' ? (p.marketPrice - (p.stopLoss as number)) / p.marketPrice : ((p.stopLoss as number) - p.marketPrice) / p.marketPrice;
    heat += value * Math.max(dist, 0);
    if (i === k) asset += value;
    if (sectorIds[i] === signalSector[k]) sector += value;
    else if (corr[i] > maxCorr) maxCorr = corr[i];
  }
  const size = Math.min(0.02 * s.confidence, 0.1, 0.15 - asset / EQUITY, 0.3 - sector / EQUITY, 0.02 / d, (0.1 - heat / EQUITY) / d);
  const halted = book.equity < book.peakEquity * 0.8 || book.equity < book.dayStartEquity * 0.95;
  return halted || maxCorr > 0.8 ? 0 : size;
}

export default async function bench(): Promise<BenchResult[]> {
  const N = 1_000_000;
  let sink = 0;
  const run = () => {
    for (let i = 0; i < N; i++) sink += decide(signals[i % 10], book, markets[i % 10], risk).size;
  };
  const sectorIds = Int32Array.from(HELD.map(([s]) => ['L1', 'exchange', 'payments', 'meme', 'defi'].indexOf(sectorOf(s, risk))));
  const corr = Float64Array.from(HELD.map(([s]) => correlations[s]));
  const bare = () => {
    for (let i = 0; i < N; i++) sink += bareDecision(i % 10, sectorIds, corr, sectorIds);
  };
  run();
  bare();
  const ms = bestCpuMs(5, run);
  const bareMs = bestCpuMs(5, bare);
  if (!Number.isFinite(sink)) throw new Error('bench: decisions gave a non-number');
  const perSec = (N / ms) * 1000;
  const barePerSec = (N / bareMs) * 1000;
  return [
    {
      name: 'risk decide, 10-position portfolio',
      figure: perSec,
      unit: 'decisions/cpu-s',
      baselineName: 'bare inline loop',
      baseline: barePerSec,
      ratio: perSec / barePerSec,
      target: '>= 1M decisions/s',
    },
  ];
}
