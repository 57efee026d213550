/** Small helpers the built-in strategies share. */
import type { SignalStrength } from '../../core/types.js';

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function strengthOf(confidence: number, strong: number, moderate: number): SignalStrength {
  return confidence > strong ? 'STRONG' : confidence > moderate ? 'MODERATE' : 'WEAK';
}

/** Annualization factor for per-bar volatility: sqrt(bars per year), crypto trades every day. */
export function barsPerYear(barMs: number): number {
  return (365 * 86_400_000) / barMs;
}

/** x[i] shifted `lag` bars later (out[i] = x[i − lag]); NaN where it would need data before the start. */
export function shifted(x: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let i = lag; i < x.length; i++) out[i] = x[i - lag];
  return out;
}

/** 1 where the close rose over the previous bar, 0 where not, NaN for the first bar. */
export function upBars(close: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  out[0] = Number.NaN;
  for (let i = 1; i < close.length; i++) {
    const a = close[i - 1];
    const b = close[i];
    out[i] = Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : b > a ? 1 : 0;
  }
  return out;
}
