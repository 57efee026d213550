/**
 * vix_correlation (ORIGINAL.md): daily crypto returns against VIX changes. First VIX spikes (VIX beyond its mean
 * ± k·σ, or a sharp multi-day change): fear up → LONG crypto, fear down → SHORT. Else the rolling correlation over
 * three windows and lags −maxLag..maxLag: the pair with the largest |corr| leads, and at least `minAgreement` pairs
 * must agree past the threshold (negative → LONG, positive → SHORT). Optionally the VIX percentile regime (off by
 * default: it fired almost always). Filters on VIX level, RSI and the move from the recent high/low.
 * Fixes: VIX is as-of joined and carried over weekends (the original joined exact dates, so weekends had none), and
 * a negative lag pairs the crypto return of days ago with today's VIX change instead of tomorrow's.
 */
import { pctChange, percentileRank, rollingCorrelation, rollingMax, rollingMin, rollingStd, rsi, sma } from '../../indicators/index.js';
import { barsIn } from '../contract.js';
import { defineStrategy } from '../define.js';
import { clamp, shifted, strengthOf } from './common.js';

const WINDOW_KEYS = ['window1Days', 'window2Days', 'window3Days'] as const;

export const vixCorrelation = defineStrategy({
  name: 'vix_correlation',
  description: 'Crypto vs VIX: VIX spikes, then rolling correlation over windows and lags, with VIX/RSI/drawdown filters',
  timeframe: '1d',
  symbols: ['BTC/USDT', 'ETH/USDT'],
  macro: ['VIXCLS'],
  params: {
    lookbackDays: { default: 180, min: 10, description: 'VIX percentile history, days' },
    baseSize: { default: 0.02, min: 0, max: 1, description: 'base position size, fraction of equity' },
    corrThreshold: { default: 0.4, min: 0, max: 1, description: '|correlation| needed for a correlation signal' },
    window1Days: { default: 14, min: 3, description: 'first correlation window, days' },
    window2Days: { default: 21, min: 3, description: 'second correlation window, days' },
    window3Days: { default: 30, min: 3, description: 'third correlation window, days' },
    maxLagDays: { default: 3, min: 0, max: 10, integer: true, description: 'lags −max..max days between crypto returns and VIX changes' },
    minAgreement: { default: 2, min: 1, integer: true, description: '(window, lag) pairs that must agree' },
    spikeMeanDays: { default: 10, min: 2, description: 'VIX spike bands: mean and σ over these days' },
    spikeSigma: { default: 1.5, min: 0, description: 'VIX beyond mean ± this many σ is a spike' },
    spikeChangeDays: { default: 3, min: 1, description: 'days of the VIX change that counts as a spike' },
    spikeChange: { default: 0.1, min: 0, description: 'VIX change over spikeChangeDays that counts as a spike' },
    usePercentile: { default: false, description: 'also trade the VIX percentile regime' },
    percentileHigh: { default: 60, min: 0, max: 100, description: 'VIX percentile at or above which the regime says LONG' },
    percentileLow: { default: 40, min: 0, max: 100, description: 'VIX percentile at or below which the regime says SHORT' },
    vixMinLong: { default: 18, min: 0, description: 'LONG only with VIX at or above this' },
    vixMinShort: { default: 20, min: 0, description: 'SHORT only with VIX at or above this' },
    rsiDays: { default: 14, min: 2, description: 'RSI period, days' },
    rsiMaxLong: { default: 55, min: 0, max: 100, description: 'LONG only with RSI at or below this' },
    rsiMinShort: { default: 45, min: 0, max: 100, description: 'SHORT only with RSI at or above this' },
    moveDays: { default: 14, min: 1, description: 'window of the high/low the drawdown/rise filters use' },
    minDrawdownLong: { default: 0.03, min: 0, max: 1, description: 'LONG needs this drop from the moveDays high' },
    minRiseShort: { default: 0.03, min: 0, max: 1, description: 'SHORT needs this rise from the moveDays low' },
  },
  warmupBars: (p, tf) => barsIn(Math.max(p.lookbackDays, p.window1Days, p.window2Days, p.window3Days) + p.maxLagDays + 1, tf),
  precompute: ({ candles, params: p, timeframe, macro }) => {
    const bars = (d: number) => barsIn(d, timeframe);
    const vix = macro('VIXCLS');
    const ret = pctChange(candles.close, 1);
    const vixChange = pctChange(vix, 1);
    const out: Record<string, Float64Array> = {
      vix,
      vixMean: sma(vix, bars(p.spikeMeanDays)),
      vixStd: rollingStd(vix, bars(p.spikeMeanDays), 1),
      vixRoc: pctChange(vix, bars(p.spikeChangeDays)),
      vixPercentile: percentileRank(vix, bars(p.lookbackDays)),
      rsi: rsi(candles.close, bars(p.rsiDays)),
      moveHigh: rollingMax(candles.close, bars(p.moveDays)),
      moveLow: rollingMin(candles.close, bars(p.moveDays)),
      vol14: rollingStd(ret, bars(14), 1),
    };
    for (const wk of WINDOW_KEYS) {
      for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
        // lag > 0: VIX leads crypto by `lag` days; lag < 0: crypto leads VIX. Both pairs end at today's data.
        const l = bars(Math.abs(lag)) * (lag === 0 ? 0 : 1);
        const x = lag < 0 ? shifted(ret, l) : ret;
        const y = lag > 0 ? shifted(vixChange, l) : vixChange;
        out[`corr_${p[wk]}_${lag}`] = rollingCorrelation(x, y, bars(p[wk]));
      }
    }
    return out;
  },
  onBar: ({ bar, params: p, position }) => {
    const vix = bar.value('vix');
    if (!(vix > 0)) return null;
    const mean = bar.value('vixMean');
    const sd = bar.value('vixStd');
    const z = sd > 0 ? (vix - mean) / sd : 0;
    const roc = bar.value('vixRoc');
    let side: 'LONG' | 'SHORT' | null = null;
    let reason = '';
    if (z > p.spikeSigma || roc >= p.spikeChange) [side, reason] = ['LONG', 'vix_spike_up'];
    else if (z < -p.spikeSigma || roc <= -p.spikeChange) [side, reason] = ['SHORT', 'vix_spike_down'];
    let best = 0;
    let agree = 0;
    if (!side) {
      for (const wk of WINDOW_KEYS) {
        for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
          const c = bar.value(`corr_${p[wk]}_${lag}`);
          if (Math.abs(c) > Math.abs(best)) best = c;
        }
      }
      for (const wk of WINDOW_KEYS) {
        for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
          const c = bar.value(`corr_${p[wk]}_${lag}`);
          if (Math.abs(c) >= p.corrThreshold && Math.sign(c) === Math.sign(best)) agree++;
        }
      }
      if (agree >= p.minAgreement && best <= -p.corrThreshold) [side, reason] = ['LONG', 'negative_correlation'];
      else if (agree >= p.minAgreement && best >= p.corrThreshold) [side, reason] = ['SHORT', 'positive_correlation'];
    }
    const pct = bar.value('vixPercentile');
    if (!side && p.usePercentile) {
      if (pct >= p.percentileHigh) [side, reason] = ['LONG', 'vix_percentile_high'];
      else if (pct <= p.percentileLow) [side, reason] = ['SHORT', 'vix_percentile_low'];
    }
    if (!side || position() === side) return null;
    const price = bar.close();
    const r = bar.value('rsi');
    if (side === 'LONG') {
      const dd = (bar.value('moveHigh') - price) / bar.value('moveHigh');
      if (!(vix >= p.vixMinLong && r <= p.rsiMaxLong && dd >= p.minDrawdownLong)) return null;
    } else {
      const rise = (price - bar.value('moveLow')) / bar.value('moveLow');
      if (!(vix >= p.vixMinShort && r >= p.rsiMinShort && rise >= p.minRiseShort)) return null;
    }
    const calm = clamp(25 / Math.max(vix, 10), 0.6, 1);
    const rocPart = Number.isFinite(roc) ? Math.min(1, Math.abs(roc / p.spikeChange || 0)) : 0;
    const confidence = clamp(0.5 * (Math.min(Math.abs(z) / p.spikeSigma || 0, 1) + rocPart), 0.5, 1) * calm;
    const vol14 = bar.value('vol14');
    const volScale = vol14 > 0 ? clamp(0.02 / vol14, 0.5, 1) : 0.5;
    const ru = clamp(3 * (vol14 > 0 ? vol14 : 0.04), 0.03, 0.12);
    const dir = side === 'LONG' ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: p.baseSize * clamp(25 / Math.max(vix, 10), 0.5, 1) * volScale,
      stopLoss: price * (1 - dir * ru),
      takeProfit: price * (1 + dir * 2 * ru),
      meta: { reason, vix, vix_z: z, vix_change: roc, best_correlation: best, agreeing_pairs: agree, vix_percentile: pct, rsi: r },
    };
  },
});
