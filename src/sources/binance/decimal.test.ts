import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalNumber } from './decimal.js';

describe('decimalNumber', () => {
  it('gives the same double as Number() for decimal strings of every shape', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), maxLength: 25 });
    const decimal = fc.tuple(digits, fc.boolean(), digits).map(([int, dot, frac]) => `${int}${dot ? '.' : ''}${dot ? frac : ''}`);
    fc.assert(
      fc.property(decimal, (s) => {
        expect(Object.is(decimalNumber(s), Number(s))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same double as Number() for prices and volumes printed with 8 decimals, as Binance sends them', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e8, noNaN: true }), (x) => {
        const s = x.toFixed(8);
        expect(Object.is(decimalNumber(s), Number(s))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves signs, exponents, blanks and non-strings to Number()', () => {
    for (const v of ['-1.5', '+2', '1e5', ' 3', '', '.', '1.2.3', 'abc', '0x10', 42, null, undefined, '12345678901234567890.5']) {
      expect(Object.is(decimalNumber(v), Number(v))).toBe(true);
    }
  });
});
