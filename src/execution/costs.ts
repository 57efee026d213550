/**
 * Trading costs (SPEC §10): slippage as a fraction of the reference price (fixed bps plus an optional square-root
 * volume-impact term) and a taker fee on every fill.
 */
export interface CostModel {
  /** Taker fee as a fraction (10 bps = 0.001), paid on every fill. */
  feeRate: number;
  /** Fixed slippage as a fraction (5 bps = 0.0005). */
  slippageRate: number;
  /** Coefficient k of the impact term k × sqrt(quantity / bar volume); 0 turns it off. */
  impact: number;
}

export interface CostSettings {
  feeBps: number;
  slippageBps: number;
  impact?: number;
}

export function costModel(s: CostSettings): CostModel {
  for (const [k, v] of [['feeBps', s.feeBps], ['slippageBps', s.slippageBps], ['impact', s.impact ?? 0]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${k} must be a finite number >= 0, got ${v}`);
  }
  return { feeRate: s.feeBps / 10_000, slippageRate: s.slippageBps / 10_000, impact: s.impact ?? 0 };
}

/**
 * Slippage fraction for a fill of `quantity` in a bar that traded `volume`. The impact term needs a volume: a bar
 * with no recorded volume (0 or NaN) gets the fixed part only.
 */
export function slippageFor(costs: CostModel, quantity: number, volume: number): number {
  if (costs.impact === 0 || !(volume > 0) || !(quantity > 0)) return costs.slippageRate;
  return costs.slippageRate + costs.impact * Math.sqrt(quantity / volume);
}
