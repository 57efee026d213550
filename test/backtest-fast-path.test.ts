/**
 * The backtest loop has a single-symbol form (one symbol traded and decided on) beside the general multi-symbol
 * loop. They must be indistinguishable: over random bars, signals, brackets, shorts, costs, sizes, risk decisions,
 * periods, warm-ups, coarser strategy bars and last-bar signals, both give the same simulator state, trades, notes,
 * equity curve, counts, decisions asked, clock moves, progress and closed-trade reports; on real data, the same
 * result document byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeDocument } from '../src/analytics/document.js';
import { summarizeCurve } from '../src/analytics/metrics.js';
import { Backtest, type BacktestOutcome, type BarDecider, type RiskGate } from '../src/backtest/engine.js';
import { type BacktestRequest, runBacktest } from '../src/backtest/run.js';
import { buildConfig } from '../src/config/load.js';
import type { CandleColumns, Signal } from '../src/core/types.js';
import { costModel } from '../src/execution/costs.js';
import { smaCross, volatility } from '../src/strategies/builtin/index.js';
import { defineStrategy } from '../src/strategies/define.js';
import { resampleCandles } from '../src/strategies/resample.js';
import { loadCsvCandles } from './helpers/real-candles.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1, 20); // four hours before a midnight: the day-start bookkeeping turns over mid-run

interface BarSpec {
  move: number;
  up: number;
  down: number;
  gap: number;
  volume: number;
}

interface SignalSpec {
  side: 'LONG' | 'SHORT' | 'CLOSE';
  size: number;
  stop: number | null;
  target: number | null;
}

function columns(specs: BarSpec[]): CandleColumns {
  const n = specs.length;
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100;
  specs.forEach((s, i) => {
    const o = p * (1 + s.gap);
    p = o * (1 + s.move);
    c.ts[i] = T0 + i * H;
    c.open[i] = o;
    c.close[i] = p;
    c.high[i] = Math.max(o, p) * (1 + s.up);
    c.low[i] = Math.min(o, p) * (1 - s.down);
    c.volume[i] = s.volume;
  });
  return c;
}

/** Says what the script says at each strategy bar (stops and targets relative to the bar's close). */
function scripted(symbol: string, bars: CandleColumns, barMs: number, first: number, script: (SignalSpec | null)[], seen: number[], throwAt: number, when: number[] | null = null): BarDecider {
  // with `when`: an active-bars series, 0 only where the script says nothing (plus bars `when` marks active anyway)
  const active = when === null ? undefined : Float64Array.from({ length: bars.length }, (_, i) => (script[i % script.length] || when[i % when.length] ? 1 : 0));
  return {
    symbols: [symbol],
    barMs,
    bars: () => bars,
    firstIndex: () => first,
    activeBars: () => active,
    onBar(_s, i) {
      seen.push(i);
      if (i === throwAt) throw new Error('strategy bug');
      const spec = script[i % script.length];
      if (!spec) return [];
      const close = bars.close[i];
      const dir = spec.side === 'SHORT' ? -1 : 1;
      const signal: Signal = {
        ts: bars.ts[i] + barMs,
        strategy: 't',
        symbol,
        side: spec.side,
        confidence: 1,
        strength: 'STRONG',
        price: close,
        size: spec.size,
        stopLoss: spec.stop === null ? null : close * (1 - dir * spec.stop),
        takeProfit: spec.target === null ? null : close * (1 + dir * spec.target),
      };
      return [signal];
    },
  };
}

/** A risk gate that rejects some entries and resizes others, from what it is shown (so what it sees matters). */
function fakeRisk(log: string[]): RiskGate {
  return {
    decide(signal, portfolio, market) {
      log.push(`${signal.side} ${signal.size} ${portfolio.ts} ${portfolio.equity} ${portfolio.peakEquity} ${portfolio.dayStartEquity} ${market.index} ${portfolio.positions.length}`);
      if (signal.size > 0.9) return { approved: false, size: 0, stopLoss: null, takeProfit: null, reasons: ['too big'] };
      return { approved: true, size: signal.size / 2, stopLoss: signal.stopLoss, takeProfit: signal.takeProfit, reasons: [] };
    },
    tradeClosed(t) {
      log.push(`closed ${t.exitTs} ${t.pnl}`);
    },
  };
}

function plain(o: BacktestOutcome) {
  // the summary the loop made of its curve as it went (stretch by stretch in the single-symbol loop) is the
  // summary of the curve it wrote, point by point
  expect(o.stats).toEqual(summarizeCurve({ ts: o.curveTs, equity: o.curveEquity, length: o.curveTs.length }));
  return {
    state: o.sim.state(),
    stats: o.stats,
    curveTs: Array.from(o.curveTs),
    curveEquity: Array.from(o.curveEquity),
    rest: { steps: o.steps, stepsInMarket: o.stepsInMarket, from: o.from, to: o.to, signals: o.signals, rejections: o.rejections, unfilled: o.unfilled },
    open: o.sim.openTrades(o.to),
  };
}

const barSpec = fc.record({
  move: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
  up: fc.double({ min: 0, max: 0.03, noNaN: true }),
  down: fc.double({ min: 0, max: 0.03, noNaN: true }),
  gap: fc.oneof(fc.constant(0), fc.double({ min: -0.04, max: 0.04, noNaN: true })),
  volume: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 1e6, noNaN: true })),
});

const signalSpec = fc.option(
  fc.record({
    side: fc.constantFrom('LONG' as const, 'SHORT' as const, 'CLOSE' as const),
    size: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.constant(0)),
    stop: fc.option(fc.double({ min: 0.001, max: 0.05, noNaN: true })),
    target: fc.option(fc.double({ min: 0.001, max: 0.05, noNaN: true })),
  }),
  { freq: 2 },
);

describe('single-symbol loop = general loop', () => {
  it('same outcome over random runs (brackets, shorts, costs, risk, periods, warm-up, coarser strategy bars)', () => {
    fc.assert(
      fc.property(
        fc.array(barSpec, { minLength: 1, maxLength: 80 }),
        fc.array(signalSpec, { minLength: 1, maxLength: 30 }),
        fc.record({
          feeBps: fc.constantFrom(0, 10, 25),
          slippageBps: fc.constantFrom(0, 5, 30),
          impact: fc.constantFrom(0, 0.1),
          cash: fc.constantFrom(1_000, 10_000),
          sizeOverride: fc.constantFrom(null, 0.5, 1),
          risk: fc.boolean(),
          first: fc.nat(10),
          from: fc.option(fc.nat(40)),
          to: fc.option(fc.nat(80)),
          coarse: fc.boolean(),
          throwAt: fc.option(fc.nat(80)),
          // no clock, progress or risk, with an active-bars series: the quiet stretches are skipped in a tight loop
          clock: fc.boolean(),
          progress: fc.boolean(),
          when: fc.option(fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: 1, maxLength: 7 })),
          // half the runs take those settings, so that the quiet stretches (flat, long, short) are exercised often
          quietRun: fc.boolean(),
          noBrackets: fc.boolean(),
        }),
        (drawnSpecs, drawnScript, drawn) => {
          const o = drawn.quietRun ? { ...drawn, clock: false, progress: false, risk: false, coarse: false, when: drawn.when ?? [0], from: drawn.from === null ? null : drawn.from % 8, to: null, throwAt: drawn.throwAt === null ? null : drawn.throwAt + 40 } : drawn;
          // positions without brackets stay quiet between signals (a bracket is checked on every bar)
          // (and in those runs signals are spread out, so positions are held over quiet stretches)
          const bare = drawn.noBrackets ? drawnScript.map((x) => x && { ...x, stop: null, target: null }) : drawnScript;
          const script = drawn.quietRun ? bare.flatMap((x) => [x, null, null, null]) : bare;
          const specs = drawn.quietRun ? Array.from({ length: 60 + drawnSpecs.length }, (_, i) => drawnSpecs[i % drawnSpecs.length]) : drawnSpecs;
          const base = columns(specs);
          const bars = o.coarse ? resampleCandles(base, '4h', { from: '1h' }) : base;
          const barMs = o.coarse ? 4 * H : H;
          const run = (loop: 'auto' | 'general') => {
            const seen: number[] = [];
            const log: string[] = [];
            const clock: number[] = [];
            const progress: string[] = [];
            const bt = new Backtest({
              base: new Map([['X/USDT', base]]),
              baseMs: H,
              from: o.from === null ? undefined : T0 + o.from * H,
              to: o.to === null ? undefined : T0 + o.to * H,
              cash: o.cash,
              costs: costModel({ feeBps: o.feeBps, slippageBps: o.slippageBps, impact: o.impact }),
              sizeOverride: o.sizeOverride,
              risk: o.risk ? fakeRisk(log) : null,
              clock: o.clock ? ({ set: (t: number) => clock.push(t) } as never) : undefined,
              onProgress: o.progress ? (done, total) => progress.push(`${done}/${total}`) : undefined,
              loop,
            });
            let outcome: ReturnType<typeof plain> | string;
            try {
              outcome = plain(bt.run(scripted('X/USDT', bars, barMs, o.first, script, seen, o.throwAt ?? -1, o.when)));
            } catch (err) {
              outcome = `${(err as Error).name}: ${(err as Error).message}`;
            }
            return { outcome, seen, log, clock, progress };
          };
          const fast = run('auto');
          const general = run('general');
          expect(fast).toEqual(general);
        },
      ),
      { numRuns: 800 },
    );
  });
});

/** Goes with the last 4h bar's direction, with a stop and a target; flat after two quiet bars. */
const swing = defineStrategy({
  name: 'swing',
  description: 'test: follows the last 4h move with brackets',
  timeframe: '4h',
  params: {},
  warmupBars: () => 2,
  onBar: ({ bar, position }) => {
    const move = bar.close() / bar.close(1) - 1;
    const price = bar.close();
    if (Math.abs(move) < 0.002 && Math.abs(bar.close(1) / bar.close(2) - 1) < 0.002) return position() ? { side: 'CLOSE' } : null;
    const dir = move > 0 ? 1 : -1;
    return { side: dir > 0 ? 'LONG' : 'SHORT', size: 0.5, stopLoss: price * (1 - dir * 0.02), takeProfit: price * (1 + dir * 0.03) };
  },
});

describe('single-symbol loop = general loop on real data: the same document', () => {
  const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
  const risk = buildConfig({}).risk;
  const request = (over: Partial<BacktestRequest>): BacktestRequest => ({
    strategy: smaCross,
    base: new Map([['BTC/USDT', btc]]),
    baseTimeframe: '1h',
    symbols: ['BTC/USDT'],
    cash: 10_000,
    feeBps: 10,
    slippageBps: 5,
    risk: null,
    ...over,
  });
  const cases: [string, Partial<BacktestRequest>][] = [
    ['sma_cross, --size 1, no risk', { sizeOverride: 1 }],
    ['volatility (shorts, stops, targets), risk on', { strategy: volatility, risk }],
    ['a 4h strategy filled on 1h bars: reversals long/short with brackets, risk on', { strategy: swing, risk }],
    ['sma_cross over a period', { from: Date.UTC(2022, 0, 1), to: Date.UTC(2023, 6, 1) }],
  ];
  for (const [name, over] of cases) {
    it(name, () => {
      const fast = runBacktest(request({ ...over, loop: 'auto' })).document;
      const general = runBacktest(request({ ...over, loop: 'general' })).document;
      expect(fast.trades.length).toBeGreaterThan(0);
      expect(serializeDocument(fast)).toBe(serializeDocument(general));
    });
  }
});
