/**
 * How old the newest stored data of each scheduled item is, against its staleness limit: twice its tier interval
 * for candles (SPEC §12); for daily macro series, four days (FRED publishes a day late and not at weekends, so a
 * Monday morning legitimately sees Thursday's observation as the latest usable one).
 */
import type { Config } from '../config/index.js';
import { DAY_MS, parseDuration, type Timeframe, timeframeMs } from '../core/time.js';
import type { DashboardRepo } from '../storage/repos/dashboard.js';
import type { Store } from '../storage/store.js';

export const MACRO_STALE_MS = 4 * DAY_MS;

export interface ItemFreshness {
  /** `BTC/USDT 15m` or `macro VIXCLS`. */
  item: string;
  source: string;
  /** When the newest stored data point became complete (candle close, or the day after an observation). */
  lastComplete: number | null;
  ageMs: number | null;
  staleAfterMs: number;
  stale: boolean;
}

export async function dataFreshness(store: Store, repo: DashboardRepo, config: Config, now: number): Promise<ItemFreshness[]> {
  const out: ItemFreshness[] = [];
  // Newest candle per symbol/timeframe over every source (a fallback source keeps an item fresh too).
  const newest = new Map<string, number>();
  for (const r of await repo.latestCandleTimes()) {
    const key = `${r.symbol} ${r.timeframe}`;
    if (r.last !== null && r.last > (newest.get(key) ?? Number.NEGATIVE_INFINITY)) newest.set(key, r.last);
  }
  const tiers = [config.tiers.highFrequency, config.tiers.hourly];
  for (const tier of tiers) {
    const staleAfterMs = 2 * parseDuration(tier.interval, 'tier interval');
    const tf = tier.timeframe as Timeframe;
    for (const symbol of tier.symbols) {
      const last = newest.get(`${symbol} ${tf}`);
      const lastComplete = last === undefined ? null : last + timeframeMs(tf);
      const ageMs = lastComplete === null ? null : Math.max(0, now - lastComplete);
      out.push({ item: `${symbol} ${tf}`, source: tier.source, lastComplete, ageMs, staleAfterMs, stale: ageMs !== null && ageMs > staleAfterMs });
    }
  }
  const stored = new Map((await store.macro.series()).map((s) => [s.series, s.last]));
  for (const series of config.tiers.macro.series) {
    const last = stored.get(series);
    const lastComplete = last === undefined ? null : last + DAY_MS;
    const ageMs = lastComplete === null ? null : Math.max(0, now - lastComplete);
    out.push({ item: `macro ${series}`, source: 'fred', lastComplete, ageMs, staleAfterMs: MACRO_STALE_MS, stale: ageMs !== null && ageMs > MACRO_STALE_MS });
  }
  return out;
}

/** A duration for people: 45s, 12m, 3h 5m, 2d 4h. */
export function humanAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
