/**
 * ripple — XRP (ORIGINAL.md): a buy score and a sell score from RSI, the MACD cross, Bollinger bands, volume surges,
 * the VIX and dollar-index regime and decoupling from BTC, weighted by time of day; LONG above the buy threshold,
 * SHORT above the sell threshold (the larger score wins when both are). Indicator periods (RSI, MACD, Bollinger) are
 * in bars of its timeframe, as those indicators are defined; the other windows are in hours or days.
 * Fix: the original emitted price 0 and an unknown strength, so it never produced a signal.
 */
import { bollinger, logReturns, macd, percentileRank, rollingCorrelation, rollingStd, rsi, sma } from '../../indicators/index.js';
import { barsIn } from '../contract.js';
import { defineStrategy } from '../define.js';
import { strengthOf } from './common.js';

export const ripple = defineStrategy({
  name: 'ripple',
  description: 'XRP buy/sell scores from RSI, MACD, Bollinger, volume, VIX, the dollar index and decoupling from BTC',
  timeframe: '1h',
  symbols: ['XRP/USDT'],
  macro: ['VIXCLS', 'DTWEXBGS'],
  params: {
    benchmark: { default: 'BTC/USDT', description: 'the asset decoupling is measured against' },
    rsiPeriod: { default: 14, min: 2, integer: true, description: 'bars' },
    macdFast: { default: 12, min: 1, integer: true, description: 'MACD fast EMA, bars' },
    macdSlow: { default: 26, min: 2, integer: true, description: 'MACD slow EMA, bars' },
    macdSignal: { default: 9, min: 1, integer: true, description: 'MACD signal EMA, bars' },
    bollingerPeriod: { default: 20, min: 2, integer: true, description: 'Bollinger period, bars' },
    bollingerK: { default: 2, min: 0, description: 'Bollinger width, σ' },
    volumeAvgHours: { default: 24, min: 1, description: 'average volume window, hours' },
    decouplingDays: { default: 30, min: 2, description: 'window of the correlation with the benchmark, days' },
    decouplingMax: { default: 0.7, min: 0, max: 1, description: '|correlation with the benchmark| below this counts as decoupled' },
    dollarAvgDays: { default: 30, min: 2, description: 'the dollar index is weak below its mean of these days' },
    vixLow: { default: 15, min: 0, description: 'VIX below this adds to the buy score' },
    vixHigh: { default: 25, min: 0, description: 'VIX above this adds to the sell score' },
    volRegimeDays: { default: 30, min: 2, description: 'history for the high/low volatility size adjustment' },
    buyThreshold: { default: 0.4, min: 0, max: 2, description: 'LONG when the buy score reaches this' },
    sellThreshold: { default: 0.36, min: 0, max: 2, description: 'SHORT when the sell score reaches this' },
    baseSize: { default: 0.03, min: 0, max: 1, description: 'size = baseSize·(1 + 2·(confidence − 0.5)), ×0.8 in high and ×1.3 in low volatility' },
    maxSize: { default: 0.08, min: 0, max: 1, description: 'size cap' },
    stopPct: { default: 0.03, min: 0, max: 1, description: 'stop distance' },
    targetPct: { default: 0.06, min: 0, max: 1, description: 'target distance' },
  },
  warmupBars: (p, tf) =>
    Math.max(p.macdSlow + p.macdSignal, p.bollingerPeriod, p.rsiPeriod + 1, barsIn(p.decouplingDays, tf) + 1, barsIn(p.volRegimeDays, tf) + 24),
  precompute: ({ candles, params: p, timeframe, macro, assetClose }) => {
    const bars = (d: number) => barsIn(d, timeframe);
    const m = macd(candles.close, p.macdFast, p.macdSlow, p.macdSignal);
    const bb = bollinger(candles.close, p.bollingerPeriod, p.bollingerK);
    const ret = logReturns(candles.close);
    const bench = assetClose(p.benchmark);
    const dollar = macro('DTWEXBGS');
    const vol = rollingStd(ret, bars(1), 1);
    return {
      rsi: rsi(candles.close, p.rsiPeriod),
      macd: m.macd,
      macdSignal: m.signal,
      upper: bb.upper,
      lower: bb.lower,
      volumeAvg: sma(candles.volume, bars(p.volumeAvgHours / 24)),
      decoupling: bench ? rollingCorrelation(ret, logReturns(bench), bars(p.decouplingDays)) : new Float64Array(candles.length).fill(Number.NaN),
      vix: macro('VIXCLS'),
      dollar,
      dollarAvg: sma(dollar, bars(p.dollarAvgDays)),
      volRank: percentileRank(vol, bars(p.volRegimeDays)),
    };
  },
  onBar: ({ bar, params: p, now, position }) => {
    const price = bar.close();
    const r = bar.value('rsi');
    const crossUp = bar.value('macd') > bar.value('macdSignal') && bar.value('macd', 1) <= bar.value('macdSignal', 1);
    const crossDown = bar.value('macd') < bar.value('macdSignal') && bar.value('macd', 1) >= bar.value('macdSignal', 1);
    const surge = bar.volume() / bar.value('volumeAvg');
    const volumeScore = surge >= 2 ? 0.25 : surge >= 1.5 ? 0.15 : 0;
    const vix = bar.value('vix');
    const dollar = bar.value('dollar');
    const dollarAvg = bar.value('dollarAvg');
    const corr = bar.value('decoupling');
    let buy = (r < 30 ? 0.25 : r < 40 ? 0.15 : 0) + (crossUp ? 0.2 : 0) + (price < bar.value('lower') ? 0.15 : 0) + volumeScore;
    buy += (vix < p.vixLow ? 0.15 : 0) + (dollar < dollarAvg ? 0.15 : 0) + (Math.abs(corr) < p.decouplingMax ? 0.15 : 0);
    let sell = (r > 70 ? 0.3 : r > 60 ? 0.2 : 0) + (crossDown ? 0.25 : 0) + (price > bar.value('upper') ? 0.2 : 0) + volumeScore;
    sell += (vix > p.vixHigh ? 0.15 : 0) + (dollar > dollarAvg ? 0.15 : 0);
    // Asian session (22–06 UTC) weighs most for XRP, the US session a little more than the rest
    const hour = new Date(now).getUTCHours();
    const session = hour >= 22 || hour < 6 ? 1.2 : hour >= 13 && hour < 21 ? 1.1 : 1;
    buy *= session;
    sell *= session;
    let side: 'LONG' | 'SHORT' | null = null;
    if (buy >= p.buyThreshold && (sell < p.sellThreshold || buy >= sell)) side = 'LONG';
    else if (sell >= p.sellThreshold) side = 'SHORT';
    if (!side || position() === side) return null;
    const confidence = Math.min(1, side === 'LONG' ? buy : sell);
    const volRank = bar.value('volRank');
    const regime = volRank > 80 ? 0.8 : volRank < 20 ? 1.3 : 1;
    const dir = side === 'LONG' ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: Math.min(p.maxSize, p.baseSize * (1 + (confidence - 0.5) * 2) * regime),
      stopLoss: price * (1 - dir * p.stopPct),
      takeProfit: price * (1 + dir * p.targetPct),
      meta: { buy_score: buy, sell_score: sell, rsi: r, volume_surge: surge, vix, dollar_index: dollar, dollar_average: dollarAvg, btc_correlation: corr },
    };
  },
});
