import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropPgSchema, storeTargets, tempDir } from '../../test/helpers/env.js';
import { buildConfig } from '../config/index.js';
import type { Signal } from '../core/types.js';
import { openStore } from '../storage/store.js';
import { aggregateSignals, aggregationOptions } from './aggregate.js';
import { emitAlerts } from './alerting.js';
import { validateAlert } from './alerts/index.js';

const sig = (symbol: string, confidence: number): Signal => ({
  ts: Date.parse('2024-03-01T12:00:00Z'),
  strategy: 'volatility',
  symbol,
  side: 'LONG',
  confidence,
  strength: 'STRONG',
  price: 100,
  size: 0.02,
  stopLoss: 95,
  takeProfit: 110,
});

describe.each(storeTargets())('alerts from aggregated signals ($name)', ({ url }) => {
  it('writes one valid file per aggregate at or above alertMinConfidence, records it, and never twice', async () => {
    const dbUrl = url();
    const store = await openStore(dbUrl);
    const dir = tempDir();
    try {
      const config = buildConfig({ aggregation: { alertMinConfidence: 0.6 } });
      const aggregated = aggregateSignals([sig('BTC/USDT', 0.9), sig('ETH/USDT', 0.6), sig('SOL/USDT', 0.3)], aggregationOptions(config));
      expect(aggregated.map((a) => a.symbol)).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
      const first = await emitAlerts(store, config, aggregated, Date.now(), dir);
      expect(first.errors).toEqual([]);
      expect(first.alerts.map((a) => a.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
      const files = readdirSync(dir).sort();
      expect(files).toEqual(first.alerts.map((a) => path.basename(a.file)).sort());
      for (const f of files) {
        const v = validateAlert(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
        expect(v.ok).toBe(true);
        if (v.ok) expect(v.alert.analysis_data.strategies_combined).toEqual(['volatility']);
      }
      const stored = await store.signals.listAlerts();
      expect(stored.items.map((a) => [a.symbol, a.file]).sort()).toEqual(first.alerts.map((a) => [a.symbol, a.file]).sort());
      const again = await emitAlerts(store, config, aggregated, Date.now(), dir);
      expect(again.alerts).toEqual([]);
      expect(readdirSync(dir)).toHaveLength(2);
    } finally {
      await store.close();
      await dropPgSchema(dbUrl);
    }
  });
});
