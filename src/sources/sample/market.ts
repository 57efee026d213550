/**
 * The seeded sample market for `mts demo` (SPEC §4). SYNTHETIC data, labelled so wherever it appears: ten assets
 * at 1h with correlated returns (one market factor plus each asset's own noise), volatility regimes (calm,
 * volatile, crash) and jumps; a VIX-like daily series that rises when crypto falls; and the other default macro
 * series as plausible random walks on business days.
 */
import { type AssetInfo, DEFAULT_ASSETS } from '../../core/assets.js';
import { DAY_MS, HOUR_MS } from '../../core/time.js';
import type { CandleColumns, MacroObservation } from '../../core/types.js';
import { emptyColumns } from '../../storage/repos/candles.js';
import { SeededRandom } from './random.js';

export const SAMPLE_SOURCE = 'sample';
export const SAMPLE_LABEL = 'SYNTHETIC sample market (seeded, not real prices)';

export interface SampleMarketOptions {
  seed?: number;
  /** First candle open time (default 2024-01-01). */
  start?: number;
  /** End, exclusive (default 2026-01-01: two years). */
  end?: number;
  assets?: readonly AssetInfo[];
}

export interface SampleMarket {
  label: string;
  seed: number;
  start: number;
  end: number;
  candles: Map<string, CandleColumns>;
  macro: Map<string, MacroObservation[]>;
}

interface AssetModel {
  price: number;
  beta: number;
  idioVol: number;
  /** Typical hourly traded value in USD. */
  notional: number;
}

const MODELS: Record<string, AssetModel> = {
  BTC: { price: 42_000, beta: 1.0, idioVol: 0.0018, notional: 90e6 },
  ETH: { price: 2_300, beta: 1.15, idioVol: 0.003, notional: 45e6 },
  BNB: { price: 310, beta: 0.85, idioVol: 0.004, notional: 8e6 },
  SOL: { price: 100, beta: 1.45, idioVol: 0.006, notional: 15e6 },
  XRP: { price: 0.62, beta: 1.05, idioVol: 0.0065, notional: 10e6 },
  DOGE: { price: 0.09, beta: 1.5, idioVol: 0.0075, notional: 7e6 },
  ADA: { price: 0.6, beta: 1.25, idioVol: 0.0055, notional: 5e6 },
  AVAX: { price: 38, beta: 1.45, idioVol: 0.0065, notional: 4e6 },
  DOT: { price: 8, beta: 1.2, idioVol: 0.0055, notional: 3e6 },
  LINK: { price: 15, beta: 1.3, idioVol: 0.006, notional: 4e6 },
};

/** Hourly volatility of the market factor and drift per regime: calm, volatile, crash. */
const REGIMES = [
  { vol: 0.0045, drift: 0.00004, vixTarget: 15 },
  { vol: 0.0095, drift: -0.00001, vixTarget: 23 },
  { vol: 0.016, drift: -0.0006, vixTarget: 36 },
];
/** Hourly regime transition probabilities [from][to]. */
const TRANSITIONS = [
  [0.9975, 0.0025, 0],
  [0.008, 0.9908, 0.0012],
  [0.0, 0.04, 0.96],
];

const isBusinessDay = (day: number) => {
  const dow = new Date(day).getUTCDay();
  return dow !== 0 && dow !== 6;
};

export function generateSampleMarket(opts: SampleMarketOptions = {}): SampleMarket {
  const seed = opts.seed ?? 42;
  const start = opts.start ?? Date.UTC(2024, 0, 1);
  const end = opts.end ?? Date.UTC(2026, 0, 1);
  const assets = opts.assets ?? DEFAULT_ASSETS;
  const rng = new SeededRandom(seed);
  const n = Math.floor((end - start) / HOUR_MS);

  // The market factor and the regime path, shared by every asset.
  const factor = new Float64Array(n);
  const regimeOf = new Uint8Array(n);
  let regime = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    const row = TRANSITIONS[regime];
    regime = u < row[0] ? 0 : u < row[0] + row[1] ? 1 : 2;
    regimeOf[i] = regime;
    const r = REGIMES[regime];
    let f = r.drift + r.vol * rng.normal();
    if (rng.next() < 0.0006) f += 0.045 * rng.normal() - 0.01; // market-wide jump, skewed down
    factor[i] = f;
  }

  const candles = new Map<string, CandleColumns>();
  for (const asset of assets) {
    const m = MODELS[asset.base] ?? { price: 10, beta: 1.2, idioVol: 0.006, notional: 2e6 };
    const c = emptyColumns(n);
    let price = m.price;
    for (let i = 0; i < n; i++) {
      const regimeVol = REGIMES[regimeOf[i]].vol / REGIMES[0].vol;
      let r = m.beta * factor[i] + 0.7 * m.idioVol * Math.sqrt(regimeVol) * rng.normal();
      if (rng.next() < 0.0012) r += 0.025 * rng.normal(); // the asset's own jump
      const open = price;
      const close = open * Math.exp(r);
      const wick = (m.idioVol + REGIMES[regimeOf[i]].vol) * 0.6;
      const high = Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * wick);
      const low = Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * wick);
      const activity = (1 + (25 * Math.abs(r)) / (m.idioVol + REGIMES[0].vol)) * regimeVol;
      const volume = ((m.notional * activity * Math.exp(0.35 * rng.normal())) / ((open + close) / 2)) * 0.25;
      c.ts[i] = start + i * HOUR_MS;
      c.open[i] = round(open);
      c.close[i] = round(close);
      c.high[i] = round(Math.max(high, c.open[i], c.close[i]));
      c.low[i] = round(Math.min(low, c.open[i], c.close[i]));
      c.volume[i] = Math.round(volume * 1000) / 1000;
      price = c.close[i];
    }
    candles.set(asset.symbol, c);
  }

  return { label: SAMPLE_LABEL, seed, start, end, candles, macro: generateMacro(rng, start, end, factor, regimeOf) };
}

/** Prices to 6 significant digits: plausible ticks, and exact in decimal for round trips. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}

function generateMacro(rng: SeededRandom, start: number, end: number, factor: Float64Array, regimeOf: Uint8Array): Map<string, MacroObservation[]> {
  const series = new Map<string, MacroObservation[]>();
  const names = ['VIXCLS', 'DFF', 'DGS10', 'DGS2', 'DTWEXBGS', 'DEXUSEU', 'BAMLH0A0HYM2', 'RRPONTSYD', 'SOFR'];
  for (const s of names) series.set(s, []);
  let vix = 14;
  let dff = 5.33;
  let dgs10 = 3.95;
  let dgs2 = 4.35;
  let dollar = 118;
  let eur = 1.1;
  let hy = 3.4;
  let rrp = 680;
  for (let day = start; day < end; day += DAY_MS) {
    const i0 = Math.floor((day - start) / HOUR_MS);
    let dayReturn = 0;
    let worstRegime = 0;
    for (let i = i0; i < Math.min(factor.length, i0 + 24); i++) {
      dayReturn += factor[i];
      worstRegime = Math.max(worstRegime, regimeOf[i]);
    }
    // VIX moves against crypto: a falling day lifts it, and it reverts toward the regime's level.
    const target = REGIMES[worstRegime].vixTarget;
    vix = Math.max(9, vix + 0.12 * (target - vix) - 55 * dayReturn + 0.9 * rng.normal());
    if (!isBusinessDay(day)) continue;
    const missing = rng.next() < 0.01; // holidays: FRED publishes "." for the day
    const push = (name: string, v: number, digits: number) =>
      series.get(name)?.push({ series: name, date: day, value: missing ? null : Number(v.toFixed(digits)) });
    if (rng.next() < 0.004) dff = Math.max(0.1, dff - 0.25); // an occasional cut
    dgs10 = Math.max(0.5, dgs10 + 0.045 * rng.normal());
    dgs2 = Math.max(0.3, dgs2 + 0.05 * rng.normal() + 0.02 * (dff - 0.2 - dgs2) * 0.1);
    dollar = dollar + 0.28 * rng.normal() + 0.02 * (vix - 18) * 0.1;
    eur = Math.max(0.8, eur - 0.0025 * rng.normal() - 0.0001 * (dollar - 118));
    hy = Math.max(2, hy + 0.04 * rng.normal() + 0.03 * (vix - 17) * 0.1 - 0.01 * (hy - 3.4));
    rrp = Math.max(0, rrp * (1 - 0.004) + 12 * rng.normal());
    push('VIXCLS', vix, 2);
    push('DFF', dff, 2);
    push('DGS10', dgs10, 2);
    push('DGS2', dgs2, 2);
    push('DTWEXBGS', dollar, 4);
    push('DEXUSEU', eur, 4);
    push('BAMLH0A0HYM2', hy, 2);
    push('RRPONTSYD', rrp, 3);
    push('SOFR', dff + 0.01 + 0.01 * rng.normal(), 2);
  }
  return series;
}
