import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/env.js';
import { buildConfig } from '../config/index.js';
import type { Signal } from '../core/types.js';
import { openStore } from '../storage/store.js';
import { aggregateSignals, aggregationOptions } from './aggregate.js';
import { emitAlerts } from './alerting.js';

const T = Date.parse('2024-03-01T12:00:00Z');
const sig = (stopLoss: number, takeProfit: number): Signal => ({
  ts: T,
  strategy: 'volatility',
  symbol: 'BTC/USDT',
  side: 'LONG',
  confidence: 0.9,
  strength: 'STRONG',
  price: 100,
  size: 0.02,
  stopLoss,
  takeProfit,
});

describe('alerts carry the risk decision', () => {
  it('approves a sound trade, and refuses one whose reward/risk is below the minimum, naming the limit', async () => {
    const dir = tempDir();
    const store = await openStore(`sqlite:${dir}/v.db`);
    const config = buildConfig({ aggregation: { alertMinConfidence: 0.5 } });
    const ok = await emitAlerts(store, config, aggregateSignals([sig(95, 110)], aggregationOptions(config)), T, `${dir}/a`);
    const good = JSON.parse(readFileSync(ok.alerts[0].file, 'utf8'));
    // reward 10 over risk 5 = 2 >= 1.5; 2% of a flat account breaks no limit
    expect(good.risk).toMatchObject({ approved: true, reasons: [] });
    expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(good.risk.level);

    const bad = await emitAlerts(store, config, aggregateSignals([{ ...sig(95, 103), ts: T + 3_600_000 }], aggregationOptions(config)), T + 3_600_000, `${dir}/b`);
    const refused = JSON.parse(readFileSync(bad.alerts[0].file, 'utf8'));
    // reward 3 over risk 5 = 0.6 < 1.5
    expect(refused.risk.approved).toBe(false);
    expect(refused.risk.reasons.join(' ')).toMatch(/reward/i);
    await store.close();
  });

  it('sees the paper account: beyond the max drawdown no entry is approved', async () => {
    const dir = tempDir();
    const store = await openStore(`sqlite:${dir}/v.db`);
    const config = buildConfig({ aggregation: { alertMinConfidence: 0.5 } });
    // the account lost 30% (limit 20%)
    await store.paper.saveAccount({ cash: 7000, initialCash: 10_000, realizedPnl: -3000, fees: 0, state: null, updatedAt: T });
    const out = await emitAlerts(store, config, aggregateSignals([sig(95, 110)], aggregationOptions(config)), T, `${dir}/a`);
    const alert = JSON.parse(readFileSync(out.alerts[0].file, 'utf8'));
    expect(alert.risk.approved).toBe(false);
    expect(alert.risk.reasons.join(' ')).toMatch(/drawdown/i);
    await store.close();
  });
});
