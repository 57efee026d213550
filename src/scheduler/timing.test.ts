import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { backoffDelay } from './backoff.js';
import { type CandleItem, type MacroItem, scheduleItems, timingOf } from './items.js';
import { expectedLatestObservation, lagAt, nextSlot, wantedRange } from './timing.js';

const t = (s: string) => Date.parse(s);
const config = buildConfig({});
const timing = timingOf(config);
const items = scheduleItems(config);
const btc = items.find((i) => i.id === 'candles:binance:BTC/USDT:15m') as CandleItem;
const sol = items.find((i) => i.id === 'candles:binance:SOL/USDT:1h') as CandleItem;
const vix = items.find((i) => i.id === 'macro:fred:VIXCLS') as MacroItem;
const dollar = items.find((i) => i.id === 'macro:fred:DTWEXBGS') as MacroItem;
const signals = items.find((i) => i.id === 'signals')!;

describe('the default tiers (SPEC §6)', () => {
  it('has BTC and ETH at 15m, eight assets hourly, nine FRED series and signals', () => {
    expect(items.filter((i) => i.tier === 'highFrequency').map((i) => i.id)).toEqual(['candles:binance:BTC/USDT:15m', 'candles:binance:ETH/USDT:15m']);
    expect(items.filter((i) => i.tier === 'hourly')).toHaveLength(8);
    expect(items.filter((i) => i.kind === 'macro').map((i) => (i as MacroItem).series)).toEqual(['VIXCLS', 'DFF', 'DGS10', 'DGS2', 'DTWEXBGS', 'DEXUSEU', 'BAMLH0A0HYM2', 'RRPONTSYD', 'SOFR']);
    expect(signals.intervalMs).toBe(3_600_000);
  });
});

describe('slots', () => {
  it('runs candles just after each close and signals after the hourly collection settles', () => {
    expect(nextSlot(btc, t('2024-03-06T10:07:00Z'), timing)).toBe(t('2024-03-06T10:15:10Z'));
    expect(nextSlot(btc, t('2024-03-06T10:15:10Z'), timing)).toBe(t('2024-03-06T10:30:10Z'));
    expect(nextSlot(sol, t('2024-03-06T10:00:05Z'), timing)).toBe(t('2024-03-06T10:00:10Z'));
    expect(nextSlot(signals, t('2024-03-06T10:00:30Z'), timing)).toBe(t('2024-03-06T10:05:00Z'));
  });

  it('asks FRED after the release hour on business days only, weekly series once a week', () => {
    expect(nextSlot(vix, t('2024-03-08T22:00:00Z'), timing)).toBe(t('2024-03-11T21:00:00Z')); // Friday → Monday
    expect(nextSlot(vix, t('2024-11-27T21:00:00Z'), timing)).toBe(t('2024-11-29T21:00:00Z')); // over Thanksgiving
    expect(nextSlot(dollar, t('2024-03-05T00:00:00Z'), timing)).toBe(t('2024-03-11T21:00:00Z')); // next Monday
    expect(nextSlot(dollar, t('2024-09-01T00:00:00Z'), timing)).toBe(t('2024-09-03T21:00:00Z')); // Labor Day week
  });

  it('expects a daily observation with the next business day’s release and a weekly one a week later', () => {
    expect(expectedLatestObservation(vix, t('2024-03-06T21:30:00Z'), timing)).toBe(t('2024-03-05T00:00:00Z'));
    expect(expectedLatestObservation(vix, t('2024-03-06T20:00:00Z'), timing)).toBe(t('2024-03-04T00:00:00Z'));
    expect(expectedLatestObservation(vix, t('2024-03-11T21:30:00Z'), timing)).toBe(t('2024-03-08T00:00:00Z'));
    expect(expectedLatestObservation(dollar, t('2024-03-13T21:30:00Z'), timing)).toBe(t('2024-03-08T00:00:00Z'));
  });
});

describe('ranges', () => {
  it('catches up after 12 hours of downtime in one range of every closed candle', () => {
    const r = wantedRange(btc, t('2024-03-06T12:00:10Z'), t('2024-03-06T00:00:00Z'), timing);
    expect(r).toEqual({ from: t('2024-03-06T00:00:00Z'), to: t('2024-03-06T12:00:00Z') });
    expect(wantedRange(btc, t('2024-03-06T12:10:00Z'), t('2024-03-06T12:00:00Z'), timing)).toBeUndefined();
  });

  it('asks FRED nothing while no new observation is due', () => {
    const wed = t('2024-03-06T21:00:00Z');
    expect(wantedRange(vix, wed, t('2024-03-06T00:00:00Z'), timing)).toBeUndefined(); // Tuesday already stored
    expect(wantedRange(vix, wed, t('2024-03-05T00:00:00Z'), timing)).toEqual({ from: t('2024-03-05T00:00:00Z'), to: t('2024-03-06T00:00:00Z') });
    // after a missed week, one range up to Tuesday (Wednesday's own value is not out at 21:00 on Wednesday)
    expect(wantedRange(vix, wed, t('2024-02-27T00:00:00Z'), timing)).toEqual({ from: t('2024-02-27T00:00:00Z'), to: t('2024-03-06T00:00:00Z') });
    expect(wantedRange(vix, t('2024-03-09T21:00:00Z'), t('2024-03-08T00:00:00Z'), timing)).toBeUndefined(); // Saturday: Friday comes Monday
  });

  it('generates signals once per hour, never replaying missed hours', () => {
    expect(wantedRange(signals, t('2024-03-06T15:05:00Z'), t('2024-03-06T03:00:00Z'), timing)).toEqual({ from: t('2024-03-06T03:00:00Z'), to: t('2024-03-06T15:00:00Z') });
    expect(wantedRange(signals, t('2024-03-06T15:30:00Z'), t('2024-03-06T15:00:00Z'), timing)).toBeUndefined();
  });

  it('measures lag from the moment the next datum became available', () => {
    expect(lagAt(btc, t('2024-03-06T10:00:00Z'), t('2024-03-06T10:15:10Z'), timing)).toBe(10_000);
    expect(lagAt(btc, t('2024-03-06T10:15:00Z'), t('2024-03-06T10:15:10Z'), timing)).toBe(0);
    expect(lagAt(vix, t('2024-03-06T00:00:00Z'), t('2024-03-07T21:00:30Z'), timing)).toBe(30_000);
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap and never gives up', () => {
    const p = timing.backoff;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffDelay(8, p)).toBe(3_600_000);
    expect(backoffDelay(100, p)).toBe(3_600_000);
    expect(backoffDelay(10_000, { baseMs: 0, factor: 2, capMs: 1000 })).toBe(0);
  });
});
