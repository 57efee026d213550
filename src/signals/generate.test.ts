import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { StrategyRegistry } from '../strategies/registry.js';
import { enabledStrategies, strategyWeight } from './generate.js';

const names = (cfg: Parameters<typeof buildConfig>[0]) => enabledStrategies(new StrategyRegistry(), buildConfig(cfg)).map((e) => e.name);

describe('which strategies run and with what weight', () => {
  it('runs the built-ins with a default weight above 0; ripple and sma_cross wait for a weight or enabled: true', () => {
    expect(names({})).toEqual(['vix_correlation', 'mean_reversion', 'volatility', 'multi_bucket']);
    expect(names({ strategies: { ripple: { weight: 0.1 }, volatility: { enabled: false } } })).toEqual(['vix_correlation', 'mean_reversion', 'multi_bucket', 'ripple']);
    expect(names({ strategies: { sma_cross: { enabled: true }, mean_reversion: { weight: 0 } } })).toEqual(['vix_correlation', 'volatility', 'multi_bucket', 'sma_cross']);
  });

  it('looks weights up by registry name: config first, then the defaults, 1 for user strategies', () => {
    const cfg = buildConfig({ strategies: { volatility: { weight: 0.4 } } });
    expect(strategyWeight(cfg, 'volatility')).toBe(0.4);
    expect(strategyWeight(cfg, 'vix_correlation')).toBe(0.3);
    expect(strategyWeight(cfg, 'ripple')).toBe(0);
    expect(strategyWeight(cfg, 'my_breakout')).toBe(1);
  });
});
