/**
 * volatility — realized-volatility regime (ORIGINAL.md): annualized volatility of log returns over a rolling window
 * in hours, ranked against its own history in days. A breakout above the 75th percentile goes LONG, an extreme
 * above the 95th goes SHORT; the position closes when volatility calms below the exit percentile. Stops and
 * targets widen with volatility. Fix: the original never produced a signal (a timestamp type error).
 */
import { TIMEFRAMES } from '../../core/time.js';
import { logReturns, percentileRank, rollingStd, sma } from '../../indicators/index.js';
import { barsIn } from '../contract.js';
import { defineStrategy } from '../define.js';
import { barsPerYear, clamp, strengthOf } from './common.js';

export const volatility = defineStrategy({
  name: 'volatility',
  description: 'Realized-volatility regime: LONG on a breakout above the 75th percentile, SHORT above the 95th',
  timeframe: '1h',
  params: {
    windowHours: { default: 24, min: 2, description: 'realized-volatility window, hours' },
    historyDays: { default: 30, min: 2, description: 'history the volatility is ranked against, days' },
    thresholdPercentile: { default: 75, min: 0, max: 100, description: 'breakout percentile (LONG above it)' },
    extremePercentile: { default: 95, min: 0, max: 100, description: 'extreme percentile (SHORT above it)' },
    exitPercentile: { default: 50, min: 0, max: 100, description: 'close the position when volatility ranks below this' },
    minConfidence: { default: 0.6, min: 0, max: 1, description: 'drop signals below this confidence' },
    baseSize: { default: 0.02, min: 0, max: 1, description: 'size = baseSize × strength × confidence' },
    maxSize: { default: 0.05, min: 0, max: 1, description: 'size cap' },
    stopPct: { default: 0.02, min: 0, max: 1, description: 'stop distance before the volatility multiplier' },
    targetPct: { default: 0.04, min: 0, max: 1, description: 'target distance before the volatility multiplier' },
  },
  warmupBars: (p, tf) => barsIn(p.windowHours / 24, tf) + barsIn(p.historyDays, tf),
  precompute: ({ candles, params, timeframe }) => {
    const barMs = TIMEFRAMES[timeframe];
    const window = Math.max(2, barsIn(params.windowHours / 24, timeframe));
    const history = barsIn(params.historyDays, timeframe);
    const perBar = rollingStd(logReturns(candles.close), window, 1);
    const annual = new Float64Array(perBar.length);
    const daily = new Float64Array(perBar.length);
    const toYear = Math.sqrt(barsPerYear(barMs));
    const toDay = Math.sqrt(86_400_000 / barMs);
    for (let i = 0; i < perBar.length; i++) {
      annual[i] = perBar[i] * toYear;
      daily[i] = perBar[i] * toDay;
    }
    return { vol: annual, dailyVol: daily, rank: percentileRank(annual, history), mean: sma(annual, history) };
  },
  onBar: ({ bar, params: p, position }) => {
    const vol = bar.value('vol');
    const rank = bar.value('rank');
    const mean = bar.value('mean');
    if (!(vol > 0 && rank >= 0 && mean > 0)) return null;
    const held = position();
    if (rank < p.exitPercentile) return held ? { side: 'CLOSE', confidence: 0.6, meta: { vol, rank } } : null;
    const ratio = vol / mean;
    let side: 'LONG' | 'SHORT';
    let strength: number;
    let confidence: number;
    if (rank > p.extremePercentile) {
      side = 'SHORT';
      strength = Math.min(1, ratio / 3);
      confidence = Math.min(0.8, 0.5 + 0.3 * strength);
    } else if (rank > p.thresholdPercentile) {
      side = 'LONG';
      strength = Math.min(1, ratio / 2);
      confidence = Math.min(0.9, 0.6 + 0.3 * strength);
    } else return null;
    if (confidence < p.minConfidence || held === side) return null;
    const price = bar.close();
    const m = clamp(bar.value('dailyVol') * 100, 1, 3);
    const dir = side === 'LONG' ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: Math.min(p.maxSize, p.baseSize * strength * confidence),
      stopLoss: price * (1 - dir * p.stopPct * m),
      takeProfit: price * (1 + dir * p.targetPct * m),
      meta: { volatility: vol, percentile: rank, threshold_percentile: p.thresholdPercentile, ratio },
    };
  },
});
