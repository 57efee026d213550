/**
 * When each item is due, what range of data it should ask for, and how late its data is. Pure functions of the
 * item, the time and what is stored, so the scheduler, the simulation and the tests agree on them.
 */
import { DAY_MS, floorToGrid, HOUR_MS, TIMEFRAMES } from '../core/time.js';
import { businessDayOnOrAfter, firstBusinessDayOfWeek, isBusinessDay, nextBusinessDay } from './calendar.js';
import type { MacroItem, ScheduleItem, Timing } from './items.js';

/** The data an item run should fetch: [from, to) in ms (candle open times, observation dates, signal hours). */
export interface RunRange {
  from: number;
  to: number;
}

/** A macro item's release days: every business day, or the first business day of each week. */
function isReleaseDay(item: MacroItem, day: number): boolean {
  if (!isBusinessDay(day)) return false;
  return item.release === 'daily' || firstBusinessDayOfWeek(day) === day;
}

/** The first release moment (release day at the release hour) strictly after `after`. */
function nextRelease(item: MacroItem, after: number, t: Timing): number {
  let day = businessDayOnOrAfter(after);
  for (let i = 0; i < 30; i++, day = nextBusinessDay(day)) {
    const at = day + t.releaseHourUtc * HOUR_MS;
    if (at > after && isReleaseDay(item, day)) return at;
  }
  throw new Error(`no release day for ${item.series} within 30 business days of ${new Date(after).toISOString()}`);
}

/** The next regular slot of an item strictly after `after` (not counting catch-up or backoff). */
export function nextSlot(item: ScheduleItem, after: number, t: Timing): number {
  if (item.kind === 'macro') return nextRelease(item, after, t);
  const offset = item.kind === 'signals' ? t.signalsDelayMs : t.settleMs;
  return floorToGrid(after - offset, item.intervalMs) + item.intervalMs + offset;
}

/**
 * When an observation dated `day` is expected at FRED: the next release after that day (a daily series' value for
 * Monday comes with Tuesday's release; a weekly series' whole week comes the next week's first business day).
 */
export function observationAvailableAt(item: MacroItem, day: number, t: Timing): number {
  return nextRelease(item, day + DAY_MS - 1, t);
}

/** The newest observation date that should be published by `now` (the latest business day released by then). */
export function expectedLatestObservation(item: MacroItem, now: number, t: Timing): number {
  let day = businessDayOnOrAfter(floorToGrid(now, DAY_MS) - 14 * DAY_MS);
  let latest = Number.NaN;
  for (; day < now; day = nextBusinessDay(day)) {
    if (observationAvailableAt(item, day, t) <= now) latest = day;
    else break;
  }
  return latest;
}

/** When the datum just after `dataUntil` becomes available (the moment from which its absence counts as lag). */
export function nextDatumAvailableAt(item: ScheduleItem, dataUntil: number, t: Timing): number {
  if (item.kind === 'candles') return dataUntil + TIMEFRAMES[item.timeframe];
  if (item.kind === 'macro') return observationAvailableAt(item, businessDayOnOrAfter(dataUntil), t);
  return dataUntil + item.intervalMs + t.signalsDelayMs;
}

/** How long available data has been waiting to be stored at `now` (0 when everything available is stored). */
export function lagAt(item: ScheduleItem, dataUntil: number | null, now: number, t: Timing): number {
  if (dataUntil === null) return 0;
  return Math.max(0, now - nextDatumAvailableAt(item, dataUntil, t));
}

/**
 * The range an item run should fetch at `now`, from what is stored (`dataUntil`, exclusive), or undefined when
 * nothing new can exist yet. Candles: every closed candle since the last stored one, in one range however long
 * the downtime was. Macro: from the first missing date to the newest observation due by now, only when one is due.
 * Signals: the current hour (missed hours are not replayed: their alerts would be stale).
 */
/** Where an item with nothing stored starts: `initialLookback` before now (a week at least for FRED). */
export function initialDataUntil(item: ScheduleItem, now: number, t: Timing): number | null {
  if (item.kind === 'candles') {
    const step = TIMEFRAMES[item.timeframe];
    return floorToGrid(floorToGrid(now, step) - t.initialLookbackMs, step);
  }
  if (item.kind === 'macro') return floorToGrid(floorToGrid(now, DAY_MS) - Math.max(t.initialLookbackMs, 7 * DAY_MS), DAY_MS);
  return null;
}

export function wantedRange(item: ScheduleItem, now: number, dataUntil: number | null, t: Timing): RunRange | undefined {
  if (item.kind === 'candles') {
    const step = TIMEFRAMES[item.timeframe];
    const to = floorToGrid(now, step);
    const from = dataUntil ?? (initialDataUntil(item, now, t) as number);
    return from < to ? { from, to } : undefined;
  }
  if (item.kind === 'macro') {
    // Up to the newest observation FRED should have published by now, never today's (not out yet).
    const expected = expectedLatestObservation(item, now, t);
    if (Number.isNaN(expected)) return undefined;
    const from = dataUntil ?? (initialDataUntil(item, now, t) as number);
    const to = expected + DAY_MS;
    return from < to ? { from, to } : undefined;
  }
  const hour = floorToGrid(now - t.signalsDelayMs, item.intervalMs);
  if (dataUntil !== null && hour <= dataUntil) return undefined;
  return { from: dataUntil ?? hour, to: hour };
}
