/**
 * mean_reversion — long only (ORIGINAL.md): when fear is high (VIX above its threshold) and the asset has fallen
 * more than the drawdown threshold from its high of the lookback days, buy the dip. Confidence from the VIX excess,
 * the drawdown depth, the VIX percentile and RSI; stop 3% + half the drawdown, target 60% of the drawdown.
 * Fix: the original's windows counted rows of 5-minute points; here every window is in days.
 */
import { drawdownFromHigh, percentileRank, rsi } from '../../indicators/index.js';
import { barsIn } from '../contract.js';
import { defineStrategy } from '../define.js';
import { clamp, strengthOf } from './common.js';

export const meanReversion = defineStrategy({
  name: 'mean_reversion',
  description: 'Long-only dip buying when VIX is high and the asset is well below its recent high',
  timeframe: '1d',
  symbols: ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT', 'DOGE/USDT', 'LINK/USDT'],
  macro: ['VIXCLS'],
  params: {
    vixThreshold: { default: 20, min: 0, description: 'VIX must be above this' },
    drawdownThreshold: { default: 0.07, min: 0, max: 1, description: 'drawdown from the lookback high must exceed this' },
    lookbackDays: { default: 14, min: 1, description: 'the high is taken over this many days' },
    rsiDays: { default: 14, min: 2, description: 'RSI period, days' },
    vixPercentileDays: { default: 180, min: 2, description: 'history the VIX percentile is taken over, days' },
    baseSize: { default: 0.025, min: 0, max: 1, description: 'base position size, fraction of equity' },
    maxSize: { default: 0.05, min: 0, max: 1, description: 'size cap' },
  },
  warmupBars: (p, tf) => Math.max(barsIn(p.lookbackDays, tf), barsIn(p.rsiDays, tf) + 1, barsIn(p.vixPercentileDays, tf)),
  precompute: ({ candles, params: p, timeframe, macro }) => {
    const vix = macro('VIXCLS');
    return {
      vix,
      vixPercentile: percentileRank(vix, barsIn(p.vixPercentileDays, timeframe)),
      drawdown: drawdownFromHigh(candles.close, barsIn(p.lookbackDays, timeframe)),
      rsi: rsi(candles.close, barsIn(p.rsiDays, timeframe)),
    };
  },
  onBar: ({ bar, params: p, position }) => {
    const vix = bar.value('vix');
    const dd = bar.value('drawdown');
    if (!(vix > p.vixThreshold && dd > p.drawdownThreshold) || position() === 'LONG') return null;
    const pct = bar.value('vixPercentile');
    const r = bar.value('rsi');
    const parts = [
      Math.min((vix - p.vixThreshold) / 10, 1),
      Math.min((dd - p.drawdownThreshold) / 0.1, 1),
      Number.isFinite(pct) ? pct / 100 : 0.5,
      Number.isFinite(r) ? Math.max((30 - r) / 30, 0.1) : 0.1,
    ];
    const confidence = clamp((parts[0] + parts[1] + parts[2] + parts[3]) / 4, 0, 1);
    const price = bar.close();
    return {
      side: 'LONG',
      confidence,
      strength: strengthOf(confidence, 0.7, 0.5),
      size: Math.min(p.maxSize, p.baseSize * clamp(25 / Math.max(vix, 15), 0.5, 1) * (0.5 + 0.5 * confidence)),
      stopLoss: price * (1 - (0.03 + 0.5 * dd)),
      takeProfit: price * (1 + 0.6 * dd),
      meta: { vix, drawdown: dd, vix_percentile: pct, rsi: r },
    };
  },
});
