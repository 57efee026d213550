import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { barsIn, isStrategy } from './contract.js';
import { defineStrategy, withTimeframe } from './define.js';

const demo = defineStrategy({
  name: 'demo',
  description: 'test',
  params: {
    period: { default: 10, min: 2, max: 100, integer: true },
    level: { default: 0.5, min: 0, max: 1 },
    enabled: { default: true },
    mode: { default: 'fast', options: ['fast', 'slow'] },
  },
  warmupBars: (p) => p.period,
  onBar: () => null,
});

describe('defineStrategy and resolveParams', () => {
  it('returns a frozen strategy with defaults (1h, no symbols)', () => {
    expect(isStrategy(demo)).toBe(true);
    expect(demo.timeframe).toBe('1h');
    expect(Object.isFrozen(demo)).toBe(true);
    expect(demo.resolveParams()).toEqual({ period: 10, level: 0.5, enabled: true, mode: 'fast' });
  });

  it('applies overrides, reading command-line strings', () => {
    expect(demo.resolveParams({ period: '20', level: 0.25, enabled: 'false', mode: 'slow' })).toEqual({ period: 20, level: 0.25, enabled: false, mode: 'slow' });
  });

  it.each([
    [{ periodd: 5 }, /strategy demo: unknown parameter "periodd"; known: period, level, enabled, mode/],
    [{ period: 'ten' }, /strategy demo: parameter "period" must be a number, got "ten"/],
    [{ period: 1 }, /strategy demo: parameter "period" = 1 is below the minimum 2/],
    [{ period: 101 }, /parameter "period" = 101 is above the maximum 100/],
    [{ period: 2.5 }, /parameter "period" must be a whole number/],
    [{ enabled: 'yes' }, /parameter "enabled" must be true or false/],
    [{ mode: 'medium' }, /parameter "mode" = "medium" is not one of fast, slow/],
  ])('rejects %j with an InputError naming strategy and parameter', (overrides, message) => {
    expect(() => demo.resolveParams(overrides)).toThrow(InputError);
    expect(() => demo.resolveParams(overrides)).toThrow(message);
  });

  it('rejects bad definitions, naming the strategy', () => {
    const base = { description: '', params: {}, warmupBars: () => 0, onBar: () => null };
    expect(() => defineStrategy({ ...base, name: 'Bad Name' })).toThrow(/lower_snake_case/);
    expect(() => defineStrategy({ ...base, name: 'x', params: { p: { default: 5, max: 1 } } })).toThrow(/strategy x: parameter "p": default 5 is above max 1/);
    expect(() => defineStrategy({ ...base, name: 'x', onBar: 3 as never })).toThrow(/strategy x: onBar must be a function/);
    expect(() => defineStrategy({ ...base, name: 'x', timeframe: '2h' as never })).toThrow(/strategy x: unknown timeframe "2h"/);
    expect(() => defineStrategy({ ...base, name: 'x', warmupBars: () => -1 })).toThrow(/strategy x: warmupBars must return a whole number/);
  });

  it('moves a strategy to another timeframe, its windows in days becoming bars of it', () => {
    const daily = defineStrategy({
      name: 'daily_window',
      description: '',
      timeframe: '1d',
      params: { lookbackDays: { default: 14, min: 1 } },
      warmupBars: (p, tf) => barsIn(p.lookbackDays, tf),
      onBar: () => null,
    });
    const hourly = withTimeframe(daily, '1h');
    expect(hourly.timeframe).toBe('1h');
    expect(hourly.warmupBars(hourly.resolveParams(), hourly.timeframe)).toBe(336);
    expect(daily.warmupBars(daily.resolveParams(), daily.timeframe)).toBe(14);
    expect(() => hourly.resolveParams({ lookbackDays: 0 })).toThrow(/strategy daily_window: parameter "lookbackDays" = 0 is below the minimum 1/);
  });
});
