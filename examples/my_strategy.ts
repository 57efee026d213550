/**
 * A complete user strategy: a breakout of the last days' high, confirmed by RSI, closed on a break of the low.
 * Run it:   npx mts signals --strategies examples/my_strategy.ts
 *           npx mts backtest --strategy examples/my_strategy.ts --symbols BTC/USDT --from 2024-01-01
 * List it:  npx mts strategies --strategy examples/my_strategy.ts
 */
import { barsIn, defineStrategy, indicators } from 'mts';

export default defineStrategy({
  // the registry and config key: strategies.my_breakout.{weight,params} in mts.config.yaml
  name: 'my_breakout',
  description: 'Long when the close breaks the high of the last days with RSI below a ceiling; close on a break of the low',
  timeframe: '1h',
  symbols: ['BTC/USDT', 'ETH/USDT'],
  params: {
    lookbackDays: { default: 5, min: 1, max: 60, description: 'breakout window, days' },
    rsiPeriod: { default: 14, min: 2, integer: true, description: 'RSI period, bars' },
    rsiMax: { default: 75, min: 0, max: 100, description: 'no entry when RSI is above this' },
    stopPct: { default: 0.03, min: 0.001, max: 0.5, description: 'stop distance; the target is twice as far' },
  },
  // bars of history needed before the first decision
  warmupBars: (p, timeframe) => barsIn(p.lookbackDays, timeframe) + p.rsiPeriod + 1,
  // causal series computed once per symbol; the runner checks they do not look ahead
  precompute: ({ candles, params, timeframe }) => {
    const window = barsIn(params.lookbackDays, timeframe);
    return {
      highest: indicators.rollingMax(candles.high, window),
      lowest: indicators.rollingMin(candles.low, window),
      rsi: indicators.rsi(candles.close, params.rsiPeriod),
    };
  },
  // called at the close of every bar; reads only bars up to this one
  onBar: ({ bar, params, position }) => {
    const close = bar.close();
    const priorHigh = bar.value('highest', 1); // the window's high before this bar
    const priorLow = bar.value('lowest', 1);
    if (position() === null && close > priorHigh && bar.value('rsi') < params.rsiMax) {
      return {
        side: 'LONG',
        confidence: 0.7,
        size: 0.02,
        stopLoss: close * (1 - params.stopPct),
        takeProfit: close * (1 + 2 * params.stopPct),
        meta: { breakout_above: priorHigh },
      };
    }
    if (position() === 'LONG' && close < priorLow) return { side: 'CLOSE', meta: { broke_below: priorLow } };
    return null;
  },
});
