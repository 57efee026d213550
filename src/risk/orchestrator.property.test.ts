/**
 * Properties of decide over random books, markets, signals and configs. The limits are re-checked here from first
 * principles (not with the validator's code): an entry is approved exactly when the smallest allowed position
 * breaks nothing, an approved size breaks nothing, and every rejection names only limits that are really broken.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS } from '../core/assets.js';
import type { MarkedPosition, Signal } from '../core/types.js';
import { riskConfig } from '../../test/helpers/risk.js';
import { decide } from './orchestrator.js';
import type { LimitName, MarketState, RiskConfig, RiskPortfolio, TradeStats } from './types.js';

const SYMBOLS = [...DEFAULT_ASSETS.map((a) => a.symbol), 'PEPE/USDT'];
// The limits' own rounding allowance (a size fitted exactly to a limit passes it); anything further out is a breach.
const TOL = 1e-12;

function sectorOf(symbol: string, risk: RiskConfig): string {
  const base = symbol.split('/')[0];
  return risk.sectors[symbol] ?? risk.sectors[base] ?? DEFAULT_ASSETS.find((a) => a.base === base)?.sector ?? base;
}

/** The limits an entry of `size` with this stop and target breaks, computed plainly from the definitions. */
function brokenLimits(s: Signal, p: RiskPortfolio, m: MarketState, risk: RiskConfig, size: number, stop: number | null, target: number | null): Set<LimitName> {
  const out = new Set<LimitName>();
  const over = (v: number, bound: number) => v > bound + TOL * Math.max(1, Math.abs(bound));
  const price = m.price ?? s.price;
  const eq = p.equity;
  if (eq < p.peakEquity * (1 - risk.maxDrawdown) || eq <= 0) out.add('max_drawdown');
  if (Math.min(eq, p.dayLowEquity ?? eq) < p.dayStartEquity * (1 - risk.dailyLossLimit)) out.add('daily_loss');
  const kept = p.positions.filter((q) => !(q.symbol === s.symbol && q.side !== s.side));
  const value = (q: MarkedPosition) => q.quantity * q.marketPrice;
  const dist = (q: MarkedPosition) => {
    if (q.stopLoss === null) return risk.noStopDistance;
    return Math.max(0, (q.side === 'LONG' ? q.marketPrice - q.stopLoss : q.stopLoss - q.marketPrice) / q.marketPrice);
  };
  const d = stop === null ? risk.noStopDistance : Math.abs(price - stop) / price;
  const heat = kept.reduce((a, q) => a + value(q) * dist(q), 0) / eq;
  const asset = kept.filter((q) => q.symbol === s.symbol).reduce((a, q) => a + value(q), 0) / eq;
  const sector = kept.filter((q) => sectorOf(q.symbol, risk) === sectorOf(s.symbol, risk)).reduce((a, q) => a + value(q), 0) / eq;
  if (over(size, risk.maxPosition)) out.add('max_position');
  if (over(asset + size, risk.maxPerAsset)) out.add('max_per_asset');
  if (over(sector + size, risk.maxPerSector)) out.add('max_per_sector');
  if (over(size * d, risk.riskPerTrade)) out.add('risk_per_trade');
  if (over(heat + size * d, risk.maxHeat)) out.add('max_heat');
  if (m.avgDailyVolume !== undefined && over(size, (risk.sizing.maxShareOfVolume * m.avgDailyVolume) / eq)) out.add('liquidity');
  for (const q of kept) {
    const c = m.correlations?.[q.symbol];
    if (q.symbol !== s.symbol && c !== undefined && over(q.side === s.side ? c : -c, risk.maxCorrelation)) out.add('max_correlation');
  }
  if (stop !== null && target !== null && over(risk.minRewardRisk, Math.abs(target - price) / Math.abs(price - stop))) out.add('min_reward_risk');
  return out;
}

const DEFAULTS = riskConfig();
const frac = (min: number, max: number) => fc.double({ min, max, noNaN: true });

const riskArb = fc
  .record({
    maxPosition: frac(0.01, 0.2),
    minShare: frac(0, 1),
    assetExtra: frac(0, 0.2),
    sectorExtra: frac(0, 0.5),
    maxHeat: frac(0.01, 0.3),
    riskShare: frac(0.05, 1),
    maxDrawdown: frac(0.05, 0.5),
    dailyLossLimit: frac(0.01, 0.2),
    maxCorrelation: frac(-1, 1),
    minRewardRisk: frac(0, 3),
    method: fc.constantFrom('fixed', 'half_kelly', 'vol_target'),
    noStopDistance: frac(0.05, 1),
  })
  // Valid by construction (min <= max position <= per asset <= per sector, riskPerTrade <= maxHeat), so the defaults
  // are spread rather than re-validated per case: validation costs a millisecond, the decision a microsecond.
  .map(
    (r): RiskConfig => ({
      ...DEFAULTS,
      maxPosition: r.maxPosition,
      minPosition: r.maxPosition * r.minShare,
      maxPerAsset: r.maxPosition + r.assetExtra,
      maxPerSector: Math.min(1, r.maxPosition + r.assetExtra + r.sectorExtra),
      maxHeat: r.maxHeat,
      riskPerTrade: r.maxHeat * r.riskShare,
      maxDrawdown: r.maxDrawdown,
      dailyLossLimit: r.dailyLossLimit,
      maxCorrelation: r.maxCorrelation,
      minRewardRisk: r.minRewardRisk,
      noStopDistance: r.noStopDistance,
      sizing: { ...DEFAULTS.sizing, method: r.method, kellyMinTrades: 5, kellyCap: 0.2 },
      sectors: { DOGE: 'L1' },
    }),
  );

const positionArb = (equity: number) =>
  fc
    .record({ symbol: fc.constantFrom(...SYMBOLS), side: fc.constantFrom('LONG' as const, 'SHORT' as const), share: frac(0, 0.2), price: frac(0.1, 100_000), stop: fc.option(frac(0.6, 1.4), { nil: null }) })
    .map(
      (x): MarkedPosition => ({
        symbol: x.symbol,
        side: x.side,
        quantity: (x.share * equity) / x.price,
        avgPrice: x.price,
        entryTs: 0,
        stopLoss: x.stop === null ? null : x.price * x.stop,
        takeProfit: null,
        marketPrice: x.price,
      }),
    );

const portfolioArb = frac(100, 1_000_000).chain((equity) =>
  fc.record({
    ts: fc.constant(0),
    cash: fc.constant(equity),
    equity: fc.constant(equity),
    peakEquity: frac(1, 1.6).map((k) => equity * k),
    dayStartEquity: frac(0.85, 1.15).map((k) => equity * k),
    dayLowEquity: fc.option(frac(0.8, 1).map((k) => equity * k), { nil: undefined }),
    positions: fc.array(positionArb(equity), { maxLength: 10 }),
  }),
);

const signalArb = fc
  .record({
    side: fc.constantFrom('LONG' as const, 'SHORT' as const, 'CLOSE' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    confidence: frac(0, 1),
    price: frac(0.1, 100_000),
    size: fc.oneof(fc.constant(0), frac(0, 0.5)),
    stop: fc.option(frac(0.5, 1.5), { nil: null }),
    target: fc.option(frac(0.5, 1.5), { nil: null }),
  })
  .map(
    (x): Signal => ({
      ts: 0,
      strategy: 's',
      symbol: x.symbol,
      side: x.side,
      confidence: x.confidence,
      strength: 'WEAK',
      price: x.price,
      size: x.size,
      stopLoss: x.stop === null ? null : x.price * x.stop,
      takeProfit: x.target === null ? null : x.price * x.target,
    }),
  );

const marketArb = fc.record(
  {
    atrShare: frac(0.0001, 0.2),
    volatility: frac(0.05, 3),
    avgDailyVolume: frac(0, 1e9),
    correlations: fc.dictionary(fc.constantFrom(...SYMBOLS), frac(-1, 1)),
  },
  { requiredKeys: [] },
);

const statsArb = fc.option(
  fc.record({ trades: fc.integer({ min: 0, max: 100 }), winShare: frac(0, 1), avgWin: frac(0, 5), avgLoss: frac(0, 5) }).map(
    (x): TradeStats => {
      const wins = Math.round(x.trades * x.winShare);
      return { trades: x.trades, wins, grossWin: wins * x.avgWin, grossLoss: (x.trades - wins) * x.avgLoss };
    },
  ),
  { nil: undefined },
);

/** Plain checks inside properties: vitest's expect costs ~50 us a call, thousands of times per property. */
function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function names(limits: Set<LimitName>): string {
  return [...limits].sort().join(',');
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const cases = fc.tuple(riskArb, portfolioArb, signalArb, marketArb, statsArb).map(([risk, p, s, m, stats]) => {
  const market: MarketState = { ...m, correlations: m.correlations };
  if (m.atrShare !== undefined) market.atr = m.atrShare * s.price;
  delete (market as { atrShare?: number }).atrShare;
  return deepFreeze({ risk, p, s, m: market, stats });
});

describe('decide, over random books and signals', () => {
  it('approves an entry exactly when nothing is broken; approved sizes break nothing; rejections name real breaches', () => {
    let approved = 0;
    const named = new Set<LimitName>();
    fc.assert(
      fc.property(cases, ({ risk, p, s, m, stats }) => {
        fc.pre(s.side !== 'CLOSE');
        const d = decide(s, p, m, risk, stats);
        check(d.size >= 0 && d.size <= risk.maxPosition + TOL, `size ${d.size} outside [0, ${risk.maxPosition}]`);
        check(d.reasons.length === d.breaches.length, 'one reason per breach');
        for (const [i, b] of d.breaches.entries()) check(d.reasons[i].startsWith(`${b.limit}: `), `reason "${d.reasons[i]}" does not start with ${b.limit}`);
        for (const b of d.breaches) named.add(b.limit);
        const atMin = names(brokenLimits(s, p, m, risk, risk.minPosition, d.stopLoss, d.takeProfit));
        if (d.approved) {
          approved++;
          const atSize = names(brokenLimits(s, p, m, risk, d.size, d.stopLoss, d.takeProfit));
          check(atSize === '', `approved size ${d.size} breaks ${atSize}`);
          check(atMin === '', `approved although the minimum position breaks ${atMin}`);
          check(d.size >= risk.minPosition - TOL, `approved size ${d.size} below minPosition ${risk.minPosition}`);
          const q = (d.size * p.equity) / (m.price ?? s.price);
          check(Math.abs(d.quantity - q) <= 1e-9 * Math.max(1, q), `quantity ${d.quantity}, expected ${q}`);
        } else {
          check(d.size === 0 && d.quantity === 0, 'a rejection has size and quantity 0');
          const namedHere = d.breaches.map((b) => b.limit).sort().join(',');
          check(namedHere !== '' && namedHere === atMin, `rejection names [${namedHere}], the minimum position breaks [${atMin}]`);
        }
      }),
      { numRuns: 3000 },
    );
    // The generators reach both outcomes and every limit a valid config can break (max_position cannot be: sizes are
    // clamped to it before the limits are checked).
    expect(approved).toBeGreaterThan(100);
    expect([...named].sort()).toEqual(
      ['daily_loss', 'liquidity', 'max_correlation', 'max_drawdown', 'max_heat', 'max_per_asset', 'max_per_sector', 'min_reward_risk', 'risk_per_trade'].sort(),
    );
  });

  it('never blocks an exit', () => {
    fc.assert(
      fc.property(cases, ({ risk, p, s, m, stats }) => {
        const d = decide({ ...s, side: 'CLOSE' }, p, m, risk, stats);
        check(d.approved && d.reasons.length === 0, `exit blocked: ${d.reasons.join('; ')}`);
        const held = p.positions.filter((q) => q.symbol === s.symbol).reduce((a, q) => a + q.quantity * q.marketPrice, 0);
        check(Math.abs(d.size - held / p.equity) <= 1e-9, `exit size ${d.size}, held ${held / p.equity}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('is a pure function: the same inputs give the same decision', () => {
    fc.assert(
      fc.property(cases, ({ risk, p, s, m, stats }) => {
        const first = JSON.stringify(decide(s, p, m, risk, stats));
        check(JSON.stringify(decide(s, p, m, risk, stats)) === first, 'two calls differ');
      }),
      { numRuns: 300 },
    );
  });
});
