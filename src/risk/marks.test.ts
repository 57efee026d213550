import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../core/time.js';
import { markEquity, startMarks } from './marks.js';

const day0 = Date.UTC(2024, 2, 1);

describe('equity marks', () => {
  it('keeps the peak, the 00:00 UTC equity and the day low, renewing the day at the first mark after 00:00', () => {
    let m = startMarks(day0, 1000);
    m = markEquity(m, day0 + HOUR_MS, 1100);
    m = markEquity(m, day0 + 2 * HOUR_MS, 900);
    m = markEquity(m, day0 + 23 * HOUR_MS, 950);
    expect(m).toEqual({ day: day0, peakEquity: 1100, dayStartEquity: 1000, dayLowEquity: 900 });
    m = markEquity(m, day0 + 24 * HOUR_MS, 960); // the 00:00 UTC mark of the next day
    expect(m).toEqual({ day: day0 + 24 * HOUR_MS, peakEquity: 1100, dayStartEquity: 960, dayLowEquity: 960 });
    m = markEquity(m, day0 + 25 * HOUR_MS, 1200);
    expect(m).toMatchObject({ peakEquity: 1200, dayStartEquity: 960, dayLowEquity: 960 });
  });
});

describe('a mark that is not a number', () => {
  it('leaves the peak and the day low as they were', () => {
    const m = markEquity(startMarks(day0, 1000), day0 + HOUR_MS, Number.NaN);
    expect(m).toEqual({ day: day0, peakEquity: 1000, dayStartEquity: 1000, dayLowEquity: 1000 });
  });
});
