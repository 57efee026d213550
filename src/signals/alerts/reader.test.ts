import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/env.js';
import { legacyAlertId } from './legacy.js';
import { parseAlertText, readAlertFile } from './reader.js';
import { alertFromSignal } from './schema.js';

// Legacy files as the original wrote them (ORIGINAL.md "Alerts"): no schema, id or symbol; Python json (NaN).
const legacySignal = `{
  "timestamp": 1726495296664,
  "asset": "ethereum",
  "signal_type": "SHORT",
  "direction": "SELL",
  "price": 2301.25,
  "confidence": 0.71,
  "signal_strength": "MODERATE",
  "strategy_name": "aggregated",
  "position_size": 0.0142,
  "stop_loss": 2370.29,
  "take_profit": 2163.18,
  "alert_type": "trading_signal",
  "analysis_data": {"aggregation_method": "weighted_voting", "strategies_combined": ["vix_correlation", "mean_reversion"],
    "strategy_weights": {"vix_correlation": 0.3, "mean_reversion": 0.25}, "conflict_analysis": {"has_conflict": false}},
  "correlation_value": NaN
}`;

const legacyVolatility = `{
  "timestamp": 1726498800000,
  "asset": "bitcoin",
  "current_price": 58210.5,
  "volatility_value": 0.0421,
  "volatility_threshold": 0.035,
  "volatility_percentile": 97.2,
  "position_direction": "STRONG_SELL",
  "alert_type": "volatility_spike",
  "threshold_exceeded": true
}`;

async function put(dir: string, name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, text);
  return p;
}

describe('alert reader', () => {
  it('reads a legacy trading-signal file: symbol from the CoinGecko id, deterministic id, NaN as null', async () => {
    const dir = tempDir();
    const file = await put(dir, 'signal_alert_ethereum_20240916_140136.json', legacySignal);
    const r = await readAlertFile(file);
    if (!r.ok) throw new Error(r.reason);
    expect(r.legacy).toBe(true);
    expect(r.alert).toMatchObject({ schema: 'mts.alert/v1', asset: 'ethereum', symbol: 'ETH/USDT', signal_type: 'SHORT', direction: 'SELL', price: 2301.25, correlation_value: null });
    expect(r.alert.id).toBe(legacyAlertId('signal_alert_ethereum_20240916_140136.json', legacySignal));
    const again = await readAlertFile(file);
    expect(again.ok && again.alert.id).toBe(r.alert.id);
    const other = parseAlertText(legacySignal.replace('2301.25', '2301.5'), 'signal_alert_ethereum_20240916_140136.json');
    expect(other.ok && other.alert.id).not.toBe(r.alert.id);
  });

  it('reads a legacy volatility alert: current_price → price, position_direction → side and direction', async () => {
    const r = parseAlertText(legacyVolatility, 'volatility_alert_bitcoin_20240916_150000.json');
    if (!r.ok) throw new Error(r.reason);
    expect(r.alert).toMatchObject({
      alert_type: 'volatility_spike',
      symbol: 'BTC/USDT',
      price: 58210.5,
      signal_type: 'SHORT',
      direction: 'SELL',
      signal_strength: 'STRONG',
      volatility_percentile: 97.2,
      threshold_exceeded: true,
    });
    expect(r.alert.confidence).toBeCloseTo(0.972, 12);
  });

  it('takes the time of a legacy file without timestamp from its name (UTC)', () => {
    const text = legacySignal.replace('"timestamp": 1726495296664,', '');
    const r = parseAlertText(text, 'signal_alert_ethereum_20240916_140136.json');
    expect(r.ok && r.alert.timestamp).toBe(Date.UTC(2024, 8, 16, 14, 1, 36));
  });

  it('never throws on bad input and says precisely what is wrong', async () => {
    const dir = tempDir();
    const v1 = JSON.stringify(alertFromSignal({ ts: 1758031296664, strategy: 'aggregate', symbol: 'BTC/USDT', side: 'LONG', confidence: 0.8, strength: 'STRONG', price: 100, size: 0.02, stopLoss: null, takeProfit: null }));
    const cases: [string, string, RegExp][] = [
      ['empty.json', '', /^empty file$/],
      ['blank.json', '  \n', /^empty file$/],
      ['text.json', 'hello', /^not valid JSON: /],
      ['partial.json', v1.slice(0, v1.length / 2), /truncated \(a partial write\?\)/],
      ['array.json', '[1,2]', /not a JSON object \(got an array\)/],
      ['null.json', 'null', /got null/],
      ['schema.json', v1.replace('mts.alert/v1', 'mts.alert/v9'), /schema: unknown "mts.alert\/v9"/],
      ['types.json', v1.replace('"price":100', '"price":"100"'), /^price: /],
      ['huge.json', v1.replace('"price":100', '"price":1e400'), /^price: /],
      ['nan.json', v1.replace('"price":100', '"price":NaN'), /NaN or Infinity in a mts.alert\/v1 file/],
      ['legacy_nan_price.json', legacySignal.replace('2301.25', 'NaN'), /legacy alert: price: /],
      ['legacy_unknown.json', legacySignal.replace('"ethereum"', '"shibcoin"'), /legacy alert: asset: unknown CoinGecko id "shibcoin"/],
      ['legacy_no_asset.json', legacySignal.replace('"asset": "ethereum",', ''), /legacy alert: asset: missing/],
      ['legacy_neutral.json', legacyVolatility.replace('STRONG_SELL', 'NEUTRAL'), /position_direction: "NEUTRAL" gives no trade direction/],
      ['legacy_type.json', legacySignal.replace('"trading_signal"', '"news"'), /alert_type: unknown "news"/],
    ];
    for (const [name, text, reason] of cases) {
      const r = await readAlertFile(await put(dir, name, text));
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.reason, name).toMatch(reason);
    }
    const missing = await readAlertFile(path.join(dir, 'nope.json'));
    expect(missing).toEqual({ ok: false, reason: 'cannot read: ENOENT' });
  });
});
