/**
 * The US business-day calendar FRED's daily series follow: Monday to Friday except the Federal Reserve's holidays
 * (the federal holidays; one falling on a Sunday is observed on the Monday after, while on a Saturday holiday the
 * Fed stays open the Friday before). Days are 00:00 UTC epoch ms.
 */
import { DAY_MS, utcDay } from '../core/time.js';

function ymd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

/** The n-th given weekday (0 = Sunday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = ymd(year, month, 1);
    const shift = (weekday - new Date(first).getUTCDay() + 7) % 7;
    return first + (shift + (n - 1) * 7) * DAY_MS;
  }
  const last = ymd(year, month + 1, 1) - DAY_MS;
  const back = (new Date(last).getUTCDay() - weekday + 7) % 7;
  return last - back * DAY_MS;
}

/** A fixed-date holiday as the Fed observes it: Sunday moves to Monday; Saturday is simply lost. */
function observed(day: number): number {
  return new Date(day).getUTCDay() === 0 ? day + DAY_MS : day;
}

const cache = new Map<number, Set<number>>();

/** The Federal Reserve holidays of a year, as observed. */
export function federalHolidays(year: number): Set<number> {
  const hit = cache.get(year);
  if (hit) return hit;
  const days = [
    observed(ymd(year, 1, 1)),
    nthWeekday(year, 1, 1, 3), // Martin Luther King Jr. Day
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    ...(year >= 2022 ? [observed(ymd(year, 6, 19))] : []), // Juneteenth, a federal holiday since 2021 (Fed from 2022)
    observed(ymd(year, 7, 4)),
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    observed(ymd(year, 11, 11)),
    nthWeekday(year, 11, 4, 4), // Thanksgiving
    observed(ymd(year, 12, 25)),
  ];
  const set = new Set(days);
  cache.set(year, set);
  return set;
}

export function isBusinessDay(ts: number): boolean {
  const day = utcDay(ts);
  const wd = new Date(day).getUTCDay();
  if (wd === 0 || wd === 6) return false;
  const year = new Date(day).getUTCFullYear();
  return !federalHolidays(year).has(day);
}

/** The first business day at or after the day containing ts. */
export function businessDayOnOrAfter(ts: number): number {
  let d = utcDay(ts);
  while (!isBusinessDay(d)) d += DAY_MS;
  return d;
}

/** The last business day strictly before the day containing ts. */
export function previousBusinessDay(ts: number): number {
  let d = utcDay(ts) - DAY_MS;
  while (!isBusinessDay(d)) d -= DAY_MS;
  return d;
}

/** The first business day strictly after the day containing ts. */
export function nextBusinessDay(ts: number): number {
  return businessDayOnOrAfter(utcDay(ts) + DAY_MS);
}

/** Monday 00:00 UTC of the ISO week containing ts. */
export function weekStart(ts: number): number {
  const day = utcDay(ts);
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
}

/** The first business day of the week containing ts (Monday, or Tuesday after a Monday holiday). */
export function firstBusinessDayOfWeek(ts: number): number {
  return businessDayOnOrAfter(weekStart(ts));
}
