import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/env.js';
import { FRED_KEY, type Fakes, spawnMts, startFakes } from './harness.js';

describe('mts doctor', () => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());

  it('prints one line per check and exits 1 when a source is unreachable', async () => {
    fakes.coingecko.setDown(true);
    const dir = tempDir();
    const run = await spawnMts(['doctor'], {
      MTS_DATA_DIR: dir,
      MTS_LOG_LEVEL: 'warn',
      MTS_BINANCE_BASE_URL: fakes.binance.url,
      MTS_COINGECKO_BASE_URL: `${fakes.coingecko.url}/api/v3`,
      MTS_FRED_BASE_URL: `${fakes.fred.url}/fred`,
      MTS_FRED_API_KEY: FRED_KEY,
    }).done;
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'ok config',
      'ok storage',
      'ok disk',
      'ok clock',
      'ok binance',
      'FAIL coingecko',
      'ok fred',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain(FRED_KEY);
    expect(fakes.fred.requestsTo('/series/observations')).toHaveLength(1);
  });
});
