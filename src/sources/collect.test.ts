import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { memoryLogger } from '../core/log.js';
import { SystemClock } from '../core/clock.js';
import { collectAll, collectionItems, itemName } from './collect.js';
import { openSources } from './open.js';
import { openStore } from '../storage/store.js';

describe('collectionItems', () => {
  it('lists candles per tier symbol, one prices item, funding and order books for the fast tier, and each macro series', () => {
    const names = collectionItems(buildConfig()).map(itemName);
    expect(names).toContain('candles:binance:BTC/USDT:15m');
    expect(names).toContain('candles:binance:LINK/USDT:1h');
    expect(names.filter((n) => n === 'prices')).toHaveLength(1);
    expect(names).toContain('funding:ETH/USDT');
    expect(names).toContain('orderbook:BTC/USDT');
    expect(names.filter((n) => n.startsWith('macro:'))).toHaveLength(9);
    expect(names).toHaveLength(10 + 1 + 4 + 9);
  });
  it('narrows to a source and to assets', () => {
    expect(collectionItems(buildConfig(), { source: 'fred' }).map(itemName)).toHaveLength(9);
    expect(collectionItems(buildConfig(), { source: 'binance', assets: ['ETH'] }).map(itemName)).toEqual(['candles:binance:ETH/USDT:15m', 'funding:ETH/USDT', 'orderbook:ETH/USDT']);
  });
});

describe('collect without a FRED key', () => {
  it('skips the macro tier with a warning instead of failing', async () => {
    const config = buildConfig({ tiers: { macro: { series: ['VIXCLS', 'DGS10'] } } });
    const store = await openStore('sqlite::memory:');
    const { logger, lines } = memoryLogger();
    const sources = openSources(config, { clock: new SystemClock(), log: logger });
    try {
      const results = await collectAll(collectionItems(config, { source: 'fred' }), { config, store, sources, clock: new SystemClock(), log: logger });
      expect(results).toEqual([
        { item: 'macro:VIXCLS', source: 'fred', stored: 0, calls: 0, fallback: false, skipped: 'no FRED API key' },
        { item: 'macro:DGS10', source: 'fred', stored: 0, calls: 0, fallback: false, skipped: 'no FRED API key' },
      ]);
      expect(lines.some((l) => l.includes('macro tier is skipped'))).toBe(true);
    } finally {
      await sources.close();
      await store.close();
    }
  });
});
