/**
 * Aggregation (SPEC §7): per symbol, each strategy's signal votes side × confidence × weight, weights looked up by
 * the strategy's registry name (the original looked them up by display name and silently dropped all but one).
 * Opposing LONG and SHORT votes net out; CLOSE votes win when they outweigh the net. The result's confidence is the
 * winning vote over the total weight of the strategies that voted, and it is emitted only above minConfidence;
 * size, stop and target are averages weighted by weight × confidence on the winning side, size clamped.
 */
import type { Config } from '../config/schema.js';
import type { Signal, SignalSide, SignalStrength } from '../core/types.js';
import { strategyWeight } from './generate.js';

export const AGGREGATE_STRATEGY = 'aggregate';

export interface AggregationOptions {
  /** The weight of a strategy by registry name. */
  weight: (strategy: string) => number;
  minConfidence: number;
  minSize: number;
  maxSize: number;
}

export interface Contributor {
  strategy: string;
  side: SignalSide;
  confidence: number;
  weight: number;
  /** weight × confidence: the vote. */
  vote: number;
  ts: number;
  size: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

export interface ConflictAnalysis {
  long: number;
  short: number;
  close: number;
  /** Total weight of the strategies that voted. */
  totalWeight: number;
  /** Share of the voting weight on the winning side. */
  dominantShare: number;
  /** True when strategies voted both LONG and SHORT. */
  conflicting: boolean;
  /** Strategies that voted against the result. */
  opposed: string[];
}

export interface AggregateMeta {
  aggregation_method: 'weighted_vote';
  strategies_combined: string[];
  strategy_weights: Record<string, number>;
  contributors: Contributor[];
  conflict: ConflictAnalysis;
  [key: string]: unknown;
}

export interface AggregatedSignal extends Signal {
  meta: AggregateMeta;
}

export function aggregationOptions(config: Config): AggregationOptions {
  return { weight: (name) => strategyWeight(config, name), ...config.aggregation };
}

function weightedMean(items: Contributor[], pick: (c: Contributor) => number | null): number | null {
  let num = 0;
  let den = 0;
  for (const c of items) {
    const v = pick(c);
    if (v === null || !Number.isFinite(v)) continue;
    num += c.vote * v;
    den += c.vote;
  }
  return den > 0 ? num / den : null;
}

/** Aggregates one symbol's signals (each strategy's latest counts once); undefined when nothing clears the bar. */
export function aggregateSymbol(symbol: string, signals: readonly Signal[], opts: AggregationOptions): AggregatedSignal | undefined {
  const latest = new Map<string, Signal>();
  for (const s of signals) {
    if (s.symbol !== symbol) continue;
    const prev = latest.get(s.strategy);
    if (!prev || s.ts >= prev.ts) latest.set(s.strategy, s);
  }
  const contributors: Contributor[] = [...latest.values()].map((s) => {
    const weight = Math.max(0, opts.weight(s.strategy));
    return { strategy: s.strategy, side: s.side, confidence: s.confidence, weight, vote: weight * s.confidence, ts: s.ts, size: s.size, stopLoss: s.stopLoss, takeProfit: s.takeProfit };
  });
  const voters = contributors.filter((c) => c.weight > 0);
  const total = voters.reduce((a, c) => a + c.weight, 0);
  if (total <= 0) return undefined;
  const sum = (side: SignalSide) => voters.reduce((a, c) => a + (c.side === side ? c.vote : 0), 0);
  const long = sum('LONG');
  const short = sum('SHORT');
  const close = sum('CLOSE');
  const net = long - short;
  const side: SignalSide = close > Math.abs(net) ? 'CLOSE' : net > 0 ? 'LONG' : 'SHORT';
  const score = side === 'CLOSE' ? close : Math.abs(net);
  const confidence = Math.min(1, score / total);
  if (!(score > 0) || !(confidence > opts.minConfidence)) return undefined;
  const winners = voters.filter((c) => c.side === side);
  const dominantShare = winners.reduce((a, c) => a + c.weight, 0) / total;
  const strength: SignalStrength =
    (winners.length === 1 && confidence > 0.8) || (confidence > 0.7 && dominantShare > 0.7) ? 'STRONG' : confidence > 0.5 ? 'MODERATE' : 'WEAK';
  const newest = [...latest.values()].reduce((a, s) => (s.ts > a.ts ? s : a));
  const size = weightedMean(winners, (c) => c.size) ?? opts.minSize;
  return {
    ts: newest.ts,
    strategy: AGGREGATE_STRATEGY,
    symbol,
    side,
    confidence,
    strength,
    price: newest.price,
    size: Math.min(opts.maxSize, Math.max(opts.minSize, size)),
    stopLoss: side === 'CLOSE' ? null : weightedMean(winners, (c) => c.stopLoss),
    takeProfit: side === 'CLOSE' ? null : weightedMean(winners, (c) => c.takeProfit),
    meta: {
      aggregation_method: 'weighted_vote',
      strategies_combined: winners.map((c) => c.strategy),
      strategy_weights: Object.fromEntries(contributors.map((c) => [c.strategy, c.weight])),
      contributors,
      conflict: {
        long,
        short,
        close,
        totalWeight: total,
        dominantShare,
        conflicting: long > 0 && short > 0,
        opposed: voters.filter((c) => c.side !== side).map((c) => c.strategy),
      },
    },
  };
}

/** Aggregates per symbol over the given signals (e.g. each strategy's signals at its last bar). */
export function aggregateSignals(signals: readonly Signal[], opts: AggregationOptions): AggregatedSignal[] {
  const symbols = [...new Set(signals.map((s) => s.symbol))].sort();
  return symbols.map((sym) => aggregateSymbol(sym, signals, opts)).filter((a): a is AggregatedSignal => a !== undefined);
}

/** Aggregates the signals made at the same moment, per symbol and moment, in time order (a whole period). */
export function aggregateOverTime(signals: readonly Signal[], opts: AggregationOptions): AggregatedSignal[] {
  const groups = new Map<string, Signal[]>();
  for (const s of signals) {
    const k = `${s.ts}|${s.symbol}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(s);
  }
  const out: AggregatedSignal[] = [];
  for (const g of groups.values()) {
    const a = aggregateSymbol(g[0].symbol, g, opts);
    if (a) out.push(a);
  }
  return out.sort((a, b) => a.ts - b.ts || a.symbol.localeCompare(b.symbol));
}
