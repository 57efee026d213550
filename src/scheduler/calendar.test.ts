import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../core/time.js';
import { dataFile } from '../../test/helpers/env.js';
import { businessDayOnOrAfter, federalHolidays, firstBusinessDayOfWeek, isBusinessDay, previousBusinessDay } from './calendar.js';

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('the FRED business-day calendar', () => {
  it('knows the Fed holidays of 2024 (checked against the Fed’s published list)', () => {
    const iso = [...federalHolidays(2024)].sort((a, b) => a - b).map((d) => new Date(d).toISOString().slice(0, 10));
    expect(iso).toEqual(['2024-01-01', '2024-01-15', '2024-02-19', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-10-14', '2024-11-11', '2024-11-28', '2024-12-25']);
  });

  it('moves a Sunday holiday to Monday and keeps the Friday before a Saturday one open', () => {
    expect(isBusinessDay(day('2022-12-26'))).toBe(false); // Christmas 2022 fell on a Sunday
    expect(isBusinessDay(day('2021-12-31'))).toBe(true); // New Year 2022 fell on a Saturday
    expect(isBusinessDay(day('2024-03-29'))).toBe(true); // Good Friday is not a Fed holiday
  });

  it('every weekday it calls a holiday has no 10-year Treasury value in the real FRED file', () => {
    const values = new Map(
      readFileSync(dataFile('fred', 'DGS10.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([d, v]) => [d, (v ?? '').trim()] as const),
    );
    let checked = 0;
    for (let d = day('2019-01-01'); d < day('2025-06-01'); d += DAY_MS) {
      const wd = new Date(d).getUTCDay();
      if (wd === 0 || wd === 6 || isBusinessDay(d)) continue;
      const iso = new Date(d).toISOString().slice(0, 10);
      if (!values.has(iso)) continue;
      expect([iso, values.get(iso)]).toEqual([iso, '']);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('steps over weekends and holidays', () => {
    expect(previousBusinessDay(day('2024-12-02'))).toBe(day('2024-11-29')); // Monday → the Friday after Thanksgiving
    expect(businessDayOnOrAfter(day('2024-11-28'))).toBe(day('2024-11-29'));
    expect(firstBusinessDayOfWeek(day('2024-09-05'))).toBe(day('2024-09-03')); // Labor Day Monday
    expect(firstBusinessDayOfWeek(day('2024-09-12'))).toBe(day('2024-09-09'));
  });
});
