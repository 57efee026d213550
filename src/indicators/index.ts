/** Batch indicator kernels on Float64Array: output length = input length, warm-up values NaN. */
export { atr } from './atr.js';
export { type BollingerResult, bollinger } from './bollinger.js';
export { drawdownFromHigh } from './drawdown.js';
export { ema } from './ema.js';
export { type MacdResult, macd } from './macd.js';
export { type OlsResult, olsBeta } from './ols-beta.js';
export { percentileRank } from './percentile-rank.js';
export { logReturns, pctChange } from './returns.js';
export { rollingCorrelation } from './rolling-correlation.js';
export { rollingMax, rollingMin } from './rolling-extremes.js';
export { rollingStd } from './rolling-std.js';
export { rsi } from './rsi.js';
export { sma } from './sma.js';
export { smaCrossings } from './sma-crossings.js';
export { zscore } from './zscore.js';
