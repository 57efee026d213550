import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/time.js';
import { openStore } from '../../src/storage/store.js';
import { fakeBinance } from '../fakes/binance.js';
import { fakeCoinGecko } from '../fakes/coingecko.js';
import { realCandles, fredSeries } from '../fakes/data.js';
import { fakeFred } from '../fakes/fred.js';
import { tempDir } from '../helpers/env.js';
import { fakeEnv, FRED_KEY } from './harness.js';
import { exitWithin, spawnMts } from './process.js';

// The process starts (on a shifted clock) 15 s before the 12:05 signal slot of a Thursday whose noon aggregate
// makes an alert, so within its half-minute it runs the start-up catch-up of every item and two signal steps.
const AS_OF = Date.parse('2025-04-10T12:04:45Z');
const RUN_MS = 30_000;

describe('mts run against the fakes for half a minute of real time, then SIGTERM', async () => {
  const offset = AS_OF - Date.now();
  const now = () => Date.now() + offset;
  const binance = await fakeBinance({ now }).start();
  const coingecko = await fakeCoinGecko({ now }).start();
  const fred = await fakeFred({ apiKey: FRED_KEY }).start();
  afterAll(() => Promise.all([binance.close(), coingecko.close(), fred.close()]));
  const dir = tempDir('mts-run-');

  // a year of history already stored, as `mts backfill` would have left it, so the strategies have their windows
  const seed = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
  for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
    const hist = realCandles(symbol.replace('/', ''), '1h').filter((c) => c.ts >= AS_OF - 365 * DAY_MS && c.ts < AS_OF - DAY_MS);
    await seed.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, hist);
  }
  const vix = (fredSeries('VIXCLS') ?? []).filter((r) => r.date >= '2024-01-01' && r.date <= '2025-04-08');
  await seed.macro.upsert(vix.map((r) => ({ series: 'VIXCLS', date: Date.parse(`${r.date}T00:00:00Z`), value: r.value === '.' ? null : Number(r.value) })));
  await seed.close();

  it('collects, generates signals, writes alerts, counts every call and stores its state', async () => {
    const p = spawnMts(['run', '--as-of', new Date(AS_OF).toISOString()], { ...fakeEnv({ binance, coingecko, fred }), MTS_DATA_DIR: dir });
    await new Promise((r) => setTimeout(r, RUN_MS));
    p.child.kill('SIGTERM');
    expect(await exitWithin(p, 10_000), p.stderr.join('').slice(-2000)).toEqual({ code: 0, signal: null });
    const log = p.stderr.join('');

    const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
    const states = await store.ops.listSchedulerState();
    const calls = await store.ops.apiCallStats();
    const alerts = await store.signals.listAlerts({});
    await store.close();

    // every item ran and succeeded, except VIXCLS: stored up to Tuesday, it has nothing due before Thursday's release
    expect(states).toHaveLength(10 + 9 + 1);
    for (const s of states) expect([s.item, s.failures, s.lastSuccess !== null]).toEqual([s.item, 0, s.item !== 'macro:fred:VIXCLS']);
    expect(states.find((s) => s.item === 'macro:fred:VIXCLS')?.nextRun).toBe(Date.parse('2025-04-10T21:00:00Z'));
    // signals ran at start-up (as of 11:00) and at the 12:05 slot (as of noon)
    expect(states.find((s) => s.item === 'signals')?.dataUntil).toBe(Date.parse('2025-04-10T12:00:00Z'));
    // every request the fakes answered is a counted call
    const count = (src: string) => calls.find((c) => c.source === src)?.calls ?? 0;
    expect(count('binance')).toBe(binance.requests.length);
    expect(count('fred')).toBe(fred.requests.length);
    expect(log).toContain('"msg":"item ran"');
    // each alert recorded is a valid mts.alert/v1 file in the alerts dir
    const files = readdirSync(path.join(dir, 'alerts')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBe(alerts.total);
    for (const f of files) expect(JSON.parse(readFileSync(path.join(dir, 'alerts', f), 'utf8')).schema).toBe('mts.alert/v1');
    console.log(`alerts written: ${files.length}; calls: binance ${count('binance')}, fred ${count('fred')}`);
  });
});
