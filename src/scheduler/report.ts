/**
 * What a simulation (`mts run --simulate`) reports: calls per source, data freshness per item, gaps left in
 * storage over the simulated span, signals and alerts. `toJson` gives the SPEC §6 document, exactly.
 */
import { floorToGrid, isoTime, TIMEFRAMES } from '../core/time.js';
import { findGaps } from '../storage/gaps.js';
import type { Store } from '../storage/store.js';
import type { LagSummary } from './freshness.js';
import type { ScheduleItem } from './items.js';
import type { Scheduler } from './scheduler.js';

export const REPORTED_SOURCES = ['binance', 'coingecko', 'fred'] as const;

export interface ItemGaps {
  item: string;
  gaps: number;
  missing: number;
  stored: number;
}

export interface SimulationReport {
  days: number;
  start: number;
  end: number;
  calls: Record<(typeof REPORTED_SOURCES)[number], number>;
  totalCalls: number;
  lag: Record<string, LagSummary>;
  gaps: ItemGaps[];
  signals: number;
  alerts: number;
  failures: number;
}

/**
 * Holes in each candle item's stored series over [start, end): missing candles between the first and last stored
 * ones, plus a missing run at the start of the span when data before it exists at all.
 */
export async function candleGaps(store: Store, items: readonly ScheduleItem[], start: number, end: number): Promise<ItemGaps[]> {
  const out: ItemGaps[] = [];
  for (const item of items) {
    if (item.kind !== 'candles') continue;
    const step = TIMEFRAMES[item.timeframe];
    const from = floorToGrid(start, step);
    const cols = await store.candles.read({ symbol: item.symbol, timeframe: item.timeframe, source: item.source, from: from - step, to: end - step });
    const ts = Array.from(cols.ts);
    const gaps = findGaps(ts, step);
    out.push({ item: item.id, gaps: gaps.length, missing: gaps.reduce((n, g) => n + g.missing, 0), stored: ts.filter((x) => x >= from).length });
  }
  return out;
}

export async function simulationReport(scheduler: Scheduler, store: Store, span: { days: number; start: number; end: number }): Promise<SimulationReport> {
  const totals = scheduler.budget.totals();
  const calls = { binance: totals.binance ?? 0, coingecko: totals.coingecko ?? 0, fred: totals.fred ?? 0 };
  return {
    ...span,
    calls,
    totalCalls: calls.binance + calls.coingecko + calls.fred,
    lag: scheduler.freshness.summary(),
    gaps: await candleGaps(store, scheduler.items, span.start, span.end),
    signals: scheduler.totals.signals,
    alerts: scheduler.totals.alerts,
    failures: scheduler.totals.failures,
  };
}

/** The SPEC §6 `--json` document. */
export function simulationJson(r: SimulationReport): Record<string, unknown> {
  const maxLag: Record<string, number> = {};
  for (const [item, s] of Object.entries(r.lag)) maxLag[item] = Math.round(s.maxMs);
  return {
    days: r.days,
    calls: r.calls,
    total_calls: r.totalCalls,
    gaps: r.gaps.reduce((n, g) => n + g.gaps, 0),
    max_lag_ms: maxLag,
    signals: r.signals,
    alerts: r.alerts,
  };
}

const fmtMs = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)}h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)}m` : `${(ms / 1000).toFixed(1)}s`);

/** The human summary printed by `mts run --simulate`. */
export function formatSimulation(r: SimulationReport, originalPerDay = 393): string {
  const lines = [
    `simulated ${r.days} day(s) from ${isoTime(r.start)} to ${isoTime(r.end)}`,
    `calls: binance ${r.calls.binance}, coingecko ${r.calls.coingecko}, fred ${r.calls.fred}; total ${r.totalCalls} (original schedule: ${originalPerDay * r.days}, ${(r.totalCalls / r.days).toFixed(1)}/day)`,
    `signals ${r.signals}, alerts ${r.alerts}, failed runs ${r.failures}`,
    '',
    'item                                   max lag   mean lag  gaps  missing',
  ];
  const gaps = new Map(r.gaps.map((g) => [g.item, g]));
  for (const [item, s] of Object.entries(r.lag)) {
    const g = gaps.get(item);
    lines.push(`${item.padEnd(38)} ${fmtMs(s.maxMs).padStart(8)} ${fmtMs(s.meanMs).padStart(9)} ${String(g?.gaps ?? '-').padStart(5)} ${String(g?.missing ?? '-').padStart(8)}`);
  }
  return lines.join('\n');
}
