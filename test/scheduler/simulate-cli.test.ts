import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeBinance } from '../fakes/binance.js';
import { fakeCoinGecko } from '../fakes/coingecko.js';
import { fakeFred } from '../fakes/fred.js';
import { tempDir } from '../helpers/env.js';
import { fakeEnv, FRED_KEY } from './harness.js';
import { spawnMts } from './process.js';

describe('mts run --simulate', async () => {
  // the spawned process's virtual clock is not ours: its requests carry explicit end times, the fakes serve history
  const binance = await fakeBinance({ weightPerWindow: 1_000_000 }).start();
  const coingecko = await fakeCoinGecko().start();
  const fred = await fakeFred({ apiKey: FRED_KEY, callsPerWindow: 100_000 }).start();
  afterAll(() => Promise.all([binance.close(), coingecko.close(), fred.close()]));
  const dir = tempDir('mts-simcli-');
  const config = path.join(dir, 'mts.config.yaml');
  writeFileSync(config, ['tiers:', '  highFrequency: { interval: 1h, symbols: [] }', '  hourly: { interval: 1h, symbols: [ETH/USDT] }', '  macro: { series: [VIXCLS] }', ''].join('\n'));
  const env = { ...fakeEnv({ binance, coingecko, fred }), MTS_DATA_DIR: dir };

  it('prints the SPEC §6 document for a simulated Monday', async () => {
    const p = spawnMts(['run', '--simulate', '1d', '--start', '2025-05-12T00:00:00Z', '--json', '--config', config], env);
    const out: string[] = [];
    p.child.stdout?.on('data', (d) => out.push(String(d)));
    const exit = await p.exited;
    expect(exit.code, p.stderr.join('').slice(-2000)).toBe(0);
    const doc = JSON.parse(out.join(''));
    // one hourly item: 24 slots; VIXCLS: Monday's release brings Friday's value
    expect(doc).toEqual({
      days: 1,
      calls: { binance: 24, coingecko: 0, fred: 1 },
      total_calls: 25,
      gaps: 0,
      max_lag_ms: { 'candles:binance:ETH/USDT:1h': expect.any(Number), 'macro:fred:VIXCLS': expect.any(Number) },
      signals: expect.any(Number),
      alerts: expect.any(Number),
    });
    expect(doc.max_lag_ms['candles:binance:ETH/USDT:1h']).toBeLessThanOrEqual(3_600_000);
  });

  it('refuses a span that is not whole days, naming the flag', async () => {
    const p = spawnMts(['run', '--simulate', '3h', '--config', config], env);
    expect((await p.exited).code).toBe(2);
    expect(p.stderr.join('')).toContain('--simulate: "3h" is not a whole number of days');
  });
});
