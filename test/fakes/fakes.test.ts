import { afterAll, describe, expect, it } from 'vitest';
import { fakeBinance } from './binance.js';
import { fakeCoinGecko } from './coingecko.js';
import { realCandles } from './data.js';
import { fakeFred } from './fred.js';

const KEY = '0123456789abcdef0123456789abcdef';

describe('fake API servers', async () => {
  const binance = await fakeBinance({ weightPerWindow: 10, windowMs: 60_000 }).start();
  const gecko = await fakeCoinGecko({ now: () => Date.parse('2025-06-01T00:00:00Z') }).start();
  const fred = await fakeFred({ apiKey: KEY }).start();
  afterAll(() => Promise.all([binance.close(), gecko.close(), fred.close()]));

  it('Binance serves the real candles in the klines shape and reports used weight', async () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    const res = await fetch(`${binance.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${start}&limit=3`);
    expect(res.headers.get('x-mbx-used-weight-1m')).toBe('2');
    const rows = (await res.json()) as unknown[][];
    const real = realCandles('BTCUSDT', '1h').filter((c) => c.ts >= start).slice(0, 3);
    expect(rows.map((r) => [r[0], Number(r[4])])).toEqual(real.map((c) => [c.ts, c.close]));
    expect(rows[0]).toHaveLength(12);
  });

  it('Binance answers 429 beyond the weight limit and records the violation', async () => {
    for (let i = 0; i < 5; i++) await fetch(`${binance.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1`);
    expect(binance.violations.length).toBeGreaterThan(0);
    expect(binance.requests.at(-1)?.status).toBe(429);
  });

  it('CoinGecko serves markets for several coins in one call', async () => {
    const rows = (await (await fetch(`${gecko.url}/api/v3/coins/markets?vs_currency=usd&ids=bitcoin,ethereum`)).json()) as { id: string; current_price: number }[];
    expect(rows.map((r) => r.id)).toEqual(['bitcoin', 'ethereum']);
    const btc = realCandles('BTCUSDT', '1h').filter((c) => c.ts + 3_600_000 <= Date.parse('2025-06-01T00:00:00Z')).at(-1);
    expect(rows[0].current_price).toBe(btc?.close);
  });

  it('FRED sends "." for a missing observation and refuses a wrong key', async () => {
    const ok = (await (await fetch(`${fred.url}/fred/series/observations?series_id=VIXCLS&api_key=${KEY}&file_type=json&observation_start=1990-02-16&limit=2&offset=1`)).json()) as any;
    expect(ok.observations.map((o: any) => [o.date, o.value])).toEqual([
      ['1990-02-19', '.'],
      ['1990-02-20', '22.78'],
    ]);
    const refused = await fetch(`${fred.url}/fred/series/observations?series_id=VIXCLS&api_key=wrong&file_type=json`);
    expect(refused.status).toBe(400);
  });

  it('injects the same faults for the same seed', async () => {
    const draws = (seed: number) => {
      binance.setFaults({ seed, serverError: 0.3, timeout: 0.1 });
      return Array.from({ length: 20 }, () => binance.faults.draw(true));
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7).filter(Boolean).length).toBeGreaterThan(0);
  });
});
