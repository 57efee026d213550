import { describe, expect, it } from 'vitest';
import { readFredCsv } from '../../test/helpers/real-market.js';
import { AsOfSeries, asOfJoin } from './asof.js';

const t = (iso: string) => Date.parse(iso);

describe('macro as-of join on the real VIXCLS', () => {
  const vix = readFredCsv('VIXCLS');
  const series = new AsOfSeries('VIXCLS', vix);

  it('makes a day usable only from the next 00:00 UTC and carries Friday over the weekend', () => {
    // VIXCLS: Thu 2022-01-06 19.61, Fri 2022-01-07 18.76, Mon 2022-01-10 19.4 (no weekend rows in the file)
    expect(series.valueAt(t('2022-01-07T23:59:59Z'))).toBe(19.61);
    expect(series.valueAt(t('2022-01-08T00:00:00Z'))).toBe(18.76);
    expect(series.valueAt(t('2022-01-09T12:00:00Z'))).toBe(18.76);
    expect(series.valueAt(t('2022-01-10T23:00:00Z'))).toBe(18.76);
    expect(series.valueAt(t('2022-01-11T00:00:00Z'))).toBe(19.4);
  });

  it('skips a missing holiday observation instead of reading it as zero', () => {
    // 2022-01-17 (Martin Luther King Day) is an empty value in the file; Fri 2022-01-14 was 19.19
    expect(vix.find((o) => o.date === t('2022-01-17T00:00:00Z'))?.value).toBeNull();
    expect(series.valueAt(t('2022-01-18T00:00:00Z'))).toBe(19.19);
    expect(series.valueAt(t('2022-01-19T00:00:00Z'))).toBe(22.79);
  });

  it('joins onto bar close times, NaN before the first publication', () => {
    const closes = Float64Array.from([t('1990-01-02T12:00:00Z'), t('2022-01-08T00:00:00Z'), t('2022-01-09T00:00:00Z'), t('2022-01-10T00:00:00Z'), t('2022-01-18T00:00:00Z')]);
    const joined = asOfJoin(vix, closes);
    expect(Number.isNaN(joined[0])).toBe(true);
    expect(Array.from(joined.slice(1))).toEqual([18.76, 18.76, 18.76, 19.19]);
  });

  it('never yields an observation dated at or after the moment asked about', () => {
    for (let at = t('2022-01-01T00:00:00Z'); at < t('2022-03-01T00:00:00Z'); at += 3_600_000 * 7) {
      const i = series.indexAt(at);
      expect(series.usableFrom[i]).toBeLessThanOrEqual(at);
      expect(series.usableFrom[i] - 86_400_000).toBeLessThan(at);
      if (i + 1 < series.length) expect(series.usableFrom[i + 1]).toBeGreaterThan(at);
    }
  });
});
