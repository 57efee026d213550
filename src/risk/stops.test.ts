import { describe, expect, it } from 'vitest';
import { riskConfig } from '../../test/helpers/risk.js';
import { bracketFor } from './stops.js';

const risk = riskConfig(); // atrStopMultiple 2, minRewardRisk 1.5

describe('stops and targets', () => {
  it('LONG from ATR: price 100, ATR 2 -> stop 96, target 100 + 1.5 x 4 = 106', () => {
    const b = bracketFor('LONG', 100, null, null, { atr: 2 }, risk);
    expect(b.stopLoss).toBeCloseTo(96, 12);
    expect(b.takeProfit).toBeCloseTo(106, 12);
    expect(b.distance).toBeCloseTo(0.04, 12);
    expect(b.rewardRisk).toBeCloseTo(1.5, 12);
  });
  it('SHORT from ATR: stop above, target below', () => {
    const b = bracketFor('SHORT', 100, null, null, { atr: 2 }, risk);
    expect(b.stopLoss).toBeCloseTo(104, 12);
    expect(b.takeProfit).toBeCloseTo(94, 12);
  });
  it('from volatility without ATR: daily move = 100 x vol / sqrt(365); vol = 0.01 x sqrt(365) -> 1 away per ATR multiple', () => {
    const b = bracketFor('LONG', 100, null, null, { volatility: 0.01 * Math.sqrt(365) }, risk);
    expect(b.stopLoss).toBeCloseTo(98, 9);
    expect(b.takeProfit).toBeCloseTo(103, 9);
  });
  it("keeps the signal's stop and target when on the right side", () => {
    const b = bracketFor('SHORT', 100, 103, 90, { atr: 2 }, risk);
    expect(b.stopLoss).toBe(103);
    expect(b.takeProfit).toBe(90);
    expect(b.rewardRisk).toBeCloseTo(10 / 3, 12);
    expect(b.note).toBeNull();
  });
  it("puts the target at the minimum reward/risk from the signal's stop", () => {
    const b = bracketFor('LONG', 100, 95, null, {}, risk);
    expect(b.takeProfit).toBeCloseTo(107.5, 12);
  });
  it("replaces a signal stop on the wrong side with the volatility stop, saying why", () => {
    const b = bracketFor('LONG', 100, 101, null, { atr: 2 }, risk);
    expect(b.stopLoss).toBeCloseTo(96, 12);
    expect(b.note).toMatch(/wrong side/);
  });
  it('has no stop (and no target) without a signal stop, ATR or volatility', () => {
    const b = bracketFor('LONG', 100, null, null, {}, risk);
    expect(b).toMatchObject({ stopLoss: null, takeProfit: null, distance: null, rewardRisk: null });
  });
});
