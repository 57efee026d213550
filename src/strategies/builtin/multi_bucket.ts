/**
 * multi_bucket — cross-sectional, BTC as the factor (ORIGINAL.md). Four buckets, first match wins per asset and day:
 * pair (ETH–BNB log-spread z-score with correlation checks), momentum (z-scored 7/14/30-day momentum), residual
 * (the asset's returns regressed on BTC's, residual z-score) and mean reversion (only while the market decouples).
 * Sizes shrink as the average pairwise correlation rises, and a correlation jump is risk-off for a while.
 * Fixes: the mean-reversion bucket's impossible MS > 0.5 test (MS lies in −0.5..0.5, so it is MS > 0), the risk-off
 * flag that never reset (it now decays), and windows in days instead of rows.
 */
import { logReturns, olsBeta, pctChange, rollingCorrelation, sma, zscore } from '../../indicators/index.js';
import { barsIn } from '../contract.js';
import { defineStrategy } from '../define.js';
import { regimeSeries } from './regime.js';
import { clamp, strengthOf, upBars } from './common.js';

export const multiBucket = defineStrategy({
  name: 'multi_bucket',
  description: 'Cross-sectional momentum, BTC-residual, mean-reversion and ETH–BNB pair buckets with a correlation regime',
  timeframe: '1d',
  symbols: ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'AVAX/USDT', 'DOT/USDT', 'LINK/USDT'],
  params: {
    factor: { default: 'BTC/USDT', description: 'the factor the residual bucket regresses on' },
    zHistoryDays: { default: 180, min: 10, description: 'history each momentum is z-scored against, days' },
    momentumThreshold: { default: 0.75, description: 'composite momentum z needed for LONG' },
    minMomentum7: { default: 0.04, description: '7-day momentum needed for LONG' },
    momentumBaseSize: { default: 0.02, min: 0, max: 1, description: 'momentum size before the confidence band and the leverage factor' },
    maxSize: { default: 0.2, min: 0, max: 1, description: 'size cap' },
    betaDays: { default: 60, min: 5, description: 'OLS window of returns on the factor, days' },
    residualZDays: { default: 20, min: 3, description: 'z-score window of the residual, days' },
    residualZ: { default: 1, min: 0, description: '|residual z| needed for a residual signal' },
    residualLongSize: { default: 0.008, min: 0, max: 1, description: 'residual LONG size (×1.25 above z 1.5)' },
    residualShortSize: { default: 0.006, min: 0, max: 1, description: 'residual SHORT size' },
    meanReversionZ: { default: 2, min: 0, description: '|7-day momentum z| needed for a mean-reversion signal' },
    meanReversionMaxCorr: { default: 0.15, min: -1, max: 1, description: 'the bucket is active only below this average correlation' },
    meanReversionSize: { default: 0.01, min: 0, max: 1, description: 'mean-reversion size' },
    pairA: { default: 'ETH/USDT', description: 'first leg of the pair' },
    pairB: { default: 'BNB/USDT', description: 'second leg of the pair' },
    pairDays: { default: 60, min: 5, description: 'spread z-score window, days' },
    pairZ: { default: 2, min: 0, description: '|spread z| needed to trade the pair' },
    pairMinCorr: { default: 0.65, min: -1, max: 1, description: '30-day correlation of the legs must exceed this' },
    pairCorrDrop: { default: 0.05, min: 0, max: 2, description: 'the 7-day correlation must be this far below the 30-day' },
    pairSize: { default: 0.01, min: 0, max: 1, description: 'size of each leg' },
    lowCorr: { default: 0.15, min: -1, max: 1, description: 'full size at or below this average correlation' },
    highCorr: { default: 0.5, min: -1, max: 1, description: 'minimum size factor at or above this' },
    minLeverage: { default: 0.4, min: 0, max: 1, description: 'size factor at high correlation' },
    riskOffJump: { default: 0.1, min: 0, description: 'a rise of the 7-day over the 30-day average correlation by this...' },
    riskOffLevel: { default: 0.25, min: -1, max: 1, description: '...to above this level is risk-off' },
    riskOffCut: { default: 0.5, min: 0, max: 1, description: 'size cut at the start of risk-off' },
    riskOffDays: { default: 5, min: 1, description: 'days over which risk-off decays away' },
    stopPct: { default: 0.05, min: 0, max: 1, description: 'stop distance' },
    targetPct: { default: 0.1, min: 0, max: 1, description: 'target distance' },
  },
  warmupBars: (p, tf) => barsIn(Math.max(p.zHistoryDays + 30, p.betaDays + p.residualZDays, p.pairDays, 61), tf),
  precompute: ({ candles, params: p, timeframe, symbol, symbols, assetClose }) => {
    const bars = (d: number) => barsIn(d, timeframe);
    const close = candles.close;
    const m7 = pctChange(close, bars(7));
    const m14 = pctChange(close, bars(14));
    const m30 = pctChange(close, bars(30));
    const up = sma(upBars(close), bars(14));
    const out: Record<string, Float64Array> = {
      m7,
      m14,
      m30,
      z7: zscore(m7, bars(p.zHistoryDays)),
      z14: zscore(m14, bars(p.zHistoryDays)),
      z30: zscore(m30, bars(p.zHistoryDays)),
      ms: up.map((x) => x - 0.5),
      ...regimeSeries(symbols.map((s) => (s === symbol ? close : assetClose(s)!)), bars, p),
    };
    const none = new Float64Array(close.length).fill(Number.NaN);
    Object.assign(out, { residualZ: none, pairZ: none, pairCorr30: none, pairCorr7: none });
    const ret = logReturns(close);
    const factor = symbol === p.factor ? undefined : assetClose(p.factor);
    if (factor) out.residualZ = zscore(olsBeta(ret, logReturns(factor), bars(p.betaDays)).residual, bars(p.residualZDays));
    const other = symbol === p.pairA ? assetClose(p.pairB) : symbol === p.pairB ? assetClose(p.pairA) : undefined;
    if (other) {
      const a = symbol === p.pairA ? close : other;
      const b = symbol === p.pairA ? other : close;
      const spread = a.map((x, i) => Math.log(x) - Math.log(b[i]));
      const ra = logReturns(a);
      const rb = logReturns(b);
      out.pairZ = zscore(spread, bars(p.pairDays));
      out.pairCorr30 = rollingCorrelation(ra, rb, bars(30));
      out.pairCorr7 = rollingCorrelation(ra, rb, bars(7));
    }
    return out;
  },
  onBar: ({ bar, params: p, symbol, position }) => {
    const scale = bar.value('leverage') * bar.value('riskOffFactor');
    if (!(scale > 0)) return null;
    const price = bar.close();
    const held = position();
    const emit = (side: 'LONG' | 'SHORT', confidence: number, size: number, bucket: string, meta: Record<string, unknown>) => {
      if (held === side) return null;
      const c = clamp(confidence, 0, 1);
      const dir = side === 'LONG' ? 1 : -1;
      return {
        side,
        confidence: c,
        strength: strengthOf(c, 0.75, 0.5),
        size: Math.min(p.maxSize, size * scale),
        stopLoss: price * (1 - dir * p.stopPct),
        takeProfit: price * (1 + dir * p.targetPct),
        meta: { bucket, leverage_factor: bar.value('leverage'), risk_off_factor: bar.value('riskOffFactor'), average_correlation: bar.value('avgCorr'), ...meta },
      };
    };
    if (symbol === p.pairA || symbol === p.pairB) {
      const z = bar.value('pairZ');
      const c30 = bar.value('pairCorr30');
      if (Math.abs(z) > p.pairZ && c30 > p.pairMinCorr && c30 - bar.value('pairCorr7') >= p.pairCorrDrop) {
        // z > 0: A is rich against B → sell A, buy B
        const side = (z > 0) === (symbol === p.pairA) ? 'SHORT' : 'LONG';
        return emit(side, Math.min(Math.abs(z) / 3, 1), p.pairSize, 'pair', { pair: `${p.pairA}~${p.pairB}`, spread_z: z });
      }
    }
    const [m7, m14, m30, z7, z30] = [bar.value('m7'), bar.value('m14'), bar.value('m30'), bar.value('z7'), bar.value('z30')];
    const cm = 0.5 * z7 + 0.3 * bar.value('z14') + 0.2 * z30;
    const ms = bar.value('ms');
    if (cm > p.momentumThreshold && m7 > p.minMomentum7 && m7 > 0 && m14 > 0 && m30 > 0 && (m7 - m14 > 0 || z30 > 1.5) && ms > 0) {
      const c = Math.min(cm / 2, 1);
      const band = c > 0.8 ? 1 : c > 0.6 ? 0.85 : 0.7;
      return emit('LONG', c, p.momentumBaseSize * band, 'momentum', { composite_momentum: cm, momentum_strength: ms });
    }
    const rz = bar.value('residualZ');
    if (rz > p.residualZ) return emit('LONG', Math.min(rz / 3, 1), p.residualLongSize * (rz > 1.5 ? 1.25 : 1), 'residual', { residual_z: rz });
    if (rz < -p.residualZ) return emit('SHORT', Math.min(-rz / 3, 1), p.residualShortSize, 'residual', { residual_z: rz });
    if (bar.value('avgCorr') < p.meanReversionMaxCorr) {
      if (z7 > p.meanReversionZ && ms < 0) return emit('SHORT', Math.min(z7 / 3, 1), p.meanReversionSize, 'mean_reversion', { z7 });
      if (z7 < -p.meanReversionZ && ms > 0) return emit('LONG', Math.min(-z7 / 3, 1), p.meanReversionSize, 'mean_reversion', { z7 });
    }
    return null;
  },
});
