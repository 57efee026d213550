/**
 * The schedule as a list of items built from config.tiers (SPEC §6): one item per (tier, symbol) of candles, one
 * per FRED series, and one for signal generation. Each has a stable id under which its state is stored.
 */
import type { Config } from '../config/schema.js';
import { normalizeSymbol } from '../core/assets.js';
import { parseDuration, type Timeframe } from '../core/time.js';

export type ItemSource = 'binance' | 'coingecko' | 'fred' | 'local';
export type TierName = 'highFrequency' | 'hourly' | 'macro' | 'signals';

interface ItemBase {
  id: string;
  tier: TierName;
  source: ItemSource;
  /** How often the item is due in steady state. */
  intervalMs: number;
}

export interface CandleItem extends ItemBase {
  kind: 'candles';
  source: 'binance' | 'coingecko';
  symbol: string;
  timeframe: Timeframe;
  /** Coarser timeframes built locally after each run. */
  derive: Timeframe[];
}

export interface MacroItem extends ItemBase {
  kind: 'macro';
  source: 'fred';
  series: string;
  /** FRED updates most daily series every business day; a few (H.10) once a week. */
  release: 'daily' | 'weekly';
}

export interface SignalsItem extends ItemBase {
  kind: 'signals';
  source: 'local';
}

export type ScheduleItem = CandleItem | MacroItem | SignalsItem;

/** The timing settings every item's slots are computed from, in ms. */
export interface Timing {
  settleMs: number;
  initialLookbackMs: number;
  releaseHourUtc: number;
  signalsDelayMs: number;
  backoff: { baseMs: number; factor: number; capMs: number };
}

export function timingOf(config: Config): Timing {
  const t = config.tiers;
  return {
    settleMs: parseDuration(t.settle, 'tiers.settle'),
    initialLookbackMs: parseDuration(t.initialLookback, 'tiers.initialLookback'),
    releaseHourUtc: t.macro.releaseHourUtc,
    signalsDelayMs: parseDuration(t.signals.delay, 'tiers.signals.delay'),
    backoff: {
      baseMs: parseDuration(t.backoff.base, 'tiers.backoff.base'),
      factor: t.backoff.factor,
      capMs: parseDuration(t.backoff.cap, 'tiers.backoff.cap'),
    },
  };
}

export function candleItemId(source: string, symbol: string, timeframe: string): string {
  return `candles:${source}:${symbol}:${timeframe}`;
}

/**
 * Every scheduled item, in a stable order (high-frequency, hourly, macro, signals). A symbol listed in two
 * tiers at the same timeframe is collected once, by the more frequent tier. Without a FRED key the macro tier
 * is left out (the caller warns); without a signal step, the signals item.
 */
export function scheduleItems(config: Config, opts: { macro?: boolean; signals?: boolean } = {}): ScheduleItem[] {
  const items: ScheduleItem[] = [];
  const seen = new Set<string>();
  for (const tier of ['highFrequency', 'hourly'] as const) {
    const t = config.tiers[tier];
    const intervalMs = parseDuration(t.interval, `tiers.${tier}.interval`);
    for (const raw of t.symbols) {
      const symbol = normalizeSymbol(raw);
      const id = candleItemId(t.source, symbol, t.timeframe);
      if (seen.has(id)) continue;
      seen.add(id);
      const timeframe = t.timeframe as Timeframe;
      items.push({ id, tier, kind: 'candles', source: t.source, symbol, timeframe, intervalMs, derive: t.derive as Timeframe[] });
    }
  }
  if (opts.macro !== false) {
    const weekly = new Set(config.tiers.macro.weekly);
    for (const series of config.tiers.macro.series) {
      const release = weekly.has(series) ? 'weekly' : 'daily';
      items.push({ id: `macro:fred:${series}`, tier: 'macro', kind: 'macro', source: 'fred', series, release, intervalMs: release === 'weekly' ? 7 * 86_400_000 : 86_400_000 });
    }
  }
  if (opts.signals !== false) items.push({ id: 'signals', tier: 'signals', kind: 'signals', source: 'local', intervalMs: parseDuration(config.tiers.signals.interval, 'tiers.signals.interval') });
  return items;
}
