import { describe, expect, it } from 'vitest';
import { SPEC_SIGNAL } from '../../../test/helpers/signals.js';
import type { Signal } from '../../core/types.js';
import { alertFromSignal, validateAlert } from './schema.js';

const signal: Signal = { ...SPEC_SIGNAL, meta: { strategies_combined: ['vix_correlation'] } };

describe('mts.alert/v1 schema', () => {
  it('accepts the example of SPEC §8 as written', () => {
    const spec = {
      schema: 'mts.alert/v1',
      id: '0b5c6f1e-8d53-4c1a-9d0e-2f4b6a8c0d12',
      timestamp: 1758031296664,
      alert_type: 'trading_signal',
      asset: 'bitcoin',
      symbol: 'BTC/USDT',
      signal_type: 'LONG',
      direction: 'BUY',
      price: 115279.5,
      confidence: 0.82,
      signal_strength: 'STRONG',
      strategy_name: 'aggregate',
      position_size: 0.02,
      stop_loss: 109515.5,
      take_profit: 126807.5,
      risk: { level: 'MEDIUM', approved: true, reasons: [] },
      analysis_data: { strategies_combined: ['vix_correlation'], strategy_weights: {}, conflict: {} },
    };
    const r = validateAlert(spec);
    expect(r.ok).toBe(true);
  });

  it('builds an alert from a signal: CoinGecko asset, BUY for LONG, SELL for SHORT, CLOSE against the position', () => {
    const long = alertFromSignal(signal);
    expect(long).toMatchObject({ schema: 'mts.alert/v1', asset: 'bitcoin', symbol: 'BTC/USDT', signal_type: 'LONG', direction: 'BUY', strategy_name: 'aggregate' });
    expect(long.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(long.analysis_data).toEqual({ strategies_combined: ['vix_correlation'] });
    expect(alertFromSignal({ ...signal, side: 'SHORT', symbol: 'ETHUSDT' })).toMatchObject({ asset: 'ethereum', symbol: 'ETH/USDT', direction: 'SELL' });
    expect(alertFromSignal({ ...signal, side: 'CLOSE' }).direction).toBe('SELL');
    expect(alertFromSignal({ ...signal, side: 'CLOSE' }, { closes: 'SHORT' }).direction).toBe('BUY');
    const risk = { level: 'HIGH' as const, approved: false, reasons: ['max position 10%'] };
    expect(alertFromSignal(signal, { risk }).risk).toEqual(risk);
    expect(validateAlert(long).ok).toBe(true);
  });

  it('refuses a signal that cannot make a valid alert, naming the field', () => {
    expect(() => alertFromSignal({ ...signal, symbol: 'FOO/USDT' })).toThrow(/no CoinGecko id known for FOO\/USDT/);
    expect(() => alertFromSignal({ ...signal, price: Number.NaN })).toThrow(/price/);
    expect(() => alertFromSignal({ ...signal, confidence: 1.5 })).toThrow(/confidence/);
  });

  it('rejects inconsistent or out-of-range fields with precise reasons', () => {
    const ok = alertFromSignal(signal);
    const bad = (patch: Record<string, unknown>) => {
      const r = validateAlert({ ...ok, ...patch });
      return r.ok ? 'accepted' : r.reason;
    };
    expect(bad({ asset: 'ethereum' })).toMatch(/asset: is "ethereum" but BTC\/USDT is "bitcoin"/);
    expect(bad({ direction: 'SELL' })).toMatch(/direction: SELL does not match signal_type LONG/);
    expect(bad({ price: 1e300 })).toMatch(/^price:/);
    expect(bad({ timestamp: 1758031296 })).toMatch(/^timestamp:/);
    expect(bad({ id: 'abc' })).toMatch(/^id:/);
    expect(bad({ alert_type: 'other' })).toMatch(/alert_type/);
    expect(bad({ risk: { level: 'SEVERE', approved: true, reasons: [] } })).toMatch(/risk\.level/);
    expect(bad({ alert_type: 'volatility_spike' })).toMatch(/volatility_value/);
  });
});
