import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeSymbol } from '../src/core/assets.js';
import { parseTimeLoose, timeframeMs } from '../src/core/time.js';
import { dedupeCandles, parseCandleText } from '../src/sources/files/candles.js';
import { parseMacroText } from '../src/sources/files/macro.js';
import { findGaps } from '../src/storage/gaps.js';
import { openStore } from '../src/storage/store.js';
import { runMts } from './helpers/cli.js';
import { dataFile, tempDir, testDataDir } from './helpers/env.js';

/** Counts data rows of a CSV or entries of a JSON array by reading the file independently of the importer. */
function independentRows(file: string): { ts: number; values: number[] }[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return (JSON.parse(text) as number[][]).map((r) => ({ ts: r[0], values: r.slice(1, 6) }));
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map((f) => ({ ts: Date.parse(`${f[0].replace(' ', 'T').replace('+00:00', '')}Z`), values: f.slice(1, 6).map(Number) }));
}

const candleFiles = (): { file: string; symbol: string; timeframe: '1h' | '1d' | '15m' }[] => {
  const out: { file: string; symbol: string; timeframe: '1h' | '1d' | '15m' }[] = [];
  for (const venue of ['binance', 'bybit']) {
    for (const f of readdirSync(path.join(testDataDir(), 'candles', venue))) {
      const m = /^([A-Z]+)_?(USDT)[-_](1h|1d|15m)\.(csv|json)$/.exec(f);
      if (!m) throw new Error(`unexpected file name ${f}`);
      out.push({ file: path.join(testDataDir(), 'candles', venue, f), symbol: normalizeSymbol(`${m[1]}/${m[2]}`), timeframe: m[3] as '1h' | '1d' | '15m' });
    }
  }
  return out;
};

describe('importing every real candle and FRED file', () => {
  it('stores exactly the rows of each candle file, and a second import changes nothing', async () => {
    const dir = tempDir();
    const store = await openStore(`sqlite:${path.join(dir, 'all.db')}`);
    const files = candleFiles();
    expect(files.length).toBeGreaterThanOrEqual(24);
    for (const { file, symbol, timeframe } of files) {
      const source = path.basename(file).replace(/\.(csv|json)$/, '');
      const parsed = dedupeCandles(parseCandleText(readFileSync(file, 'utf8'), path.basename(file), timeframeMs(timeframe)));
      const expected = independentRows(file);
      expect(parsed.problems, path.basename(file)).toEqual([]);
      const key = { source, symbol, timeframe };
      await store.candles.upsert(key, parsed.rows);
      expect(await store.candles.count(key), path.basename(file)).toBe(expected.length);
      const stored = await store.candles.read({ symbol, timeframe, source });
      // values equal the file's, compared with numbers read independently
      for (const k of [0, Math.floor(expected.length / 2), expected.length - 1]) {
        expect(stored.ts[k]).toBe(expected[k].ts);
        expect([stored.open[k], stored.high[k], stored.low[k], stored.close[k], stored.volume[k]]).toEqual(expected[k].values);
      }
      await store.candles.upsert(key, parsed.rows);
      const again = await store.candles.read({ symbol, timeframe, source });
      expect(again.length).toBe(stored.length);
      expect(Buffer.from(again.close.buffer).equals(Buffer.from(stored.close.buffer))).toBe(true);
    }
    await store.close();
  });

  it('finds the real outage gaps: 9 to 26 in each 1h Binance JSON file, one missing hour in BTCUSDT_1h.csv', () => {
    for (const { file, timeframe } of candleFiles().filter((f) => f.timeframe === '1h' && f.file.includes('binance'))) {
      const rows = independentRows(file).sort((a, b) => a.ts - b.ts);
      const gaps = findGaps(
        rows.map((r) => r.ts),
        timeframeMs(timeframe),
      );
      if (file.endsWith('.json')) {
        expect(gaps.length, path.basename(file)).toBeGreaterThanOrEqual(9);
        expect(gaps.length, path.basename(file)).toBeLessThanOrEqual(26);
      } else {
        expect(gaps.map((g) => g.missing)).toEqual([1]);
      }
    }
  });

  it('imports every FRED file with "." and empty values as missing', () => {
    for (const f of readdirSync(path.join(testDataDir(), 'fred'))) {
      const file = dataFile('fred', f);
      const series = f.replace(/(_fredgraph)?\.csv$/, '');
      const parsed = parseMacroText(readFileSync(file, 'utf8'), f, series);
      const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
      expect(parsed.problems, f).toEqual([]);
      expect(parsed.rows.length, f).toBe(lines.length);
      const emptyLines = lines.filter((l) => l.split(',')[1] === '' || l.split(',')[1] === '.').length;
      expect(parsed.rows.filter((r) => r.value === null).length, f).toBe(emptyLines);
      expect(parsed.rows[0].date).toBe(parseTimeLoose(lines[0].split(',')[0]));
    }
  });
});

describe('mts import / export / gaps as a user runs them', () => {
  const dir = tempDir();
  const env = { MTS_DATA_DIR: path.join(dir, 'data') };

  it('round-trips BTC/USDT 1h: import then export reproduces every value exactly', async () => {
    const file = dataFile('candles/binance/BTCUSDT_1h.csv');
    const imp = await runMts(['import', file, '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('34349 new');
    const exp = await runMts(['export', 'candles', '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(exp.code).toBe(0);
    const out = exp.stdout.trim().split('\n');
    expect(out[0]).toBe('ts,open,high,low,close,volume');
    const src = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    expect(out.length - 1).toBe(src.length);
    for (let i = 0; i < src.length; i++) {
      const a = src[i].split(',');
      const b = out[i + 1].split(',');
      expect(Number(b[0])).toBe(Date.parse(`${a[0].replace(' ', 'T')}Z`));
      expect(b.slice(1).map(Number)).toEqual(a.slice(1).map(Number));
    }
    const twice = await runMts(['import', file, '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(twice.stdout).toContain('0 new, 34349 already stored');
    const gaps = await runMts(['gaps', '--symbol', 'BTC/USDT', '--json'], { env });
    const report = JSON.parse(gaps.stdout);
    expect(report).toHaveLength(1);
    expect(report[0].gaps).toEqual([{ from: Date.UTC(2023, 2, 24, 13), to: Date.UTC(2023, 2, 24, 13), missing: 1 }]);
  });

  it('round-trips a FRED series through import and export', async () => {
    const file = dataFile('fred/VIXCLS.csv');
    const imp = await runMts(['import', file, '--series', 'VIXCLS'], { env });
    expect(imp.code).toBe(0);
    const exp = await runMts(['export', 'macro', '--series', 'VIXCLS'], { env });
    const src = readFileSync(file, 'utf8').trim().split('\n');
    const out = exp.stdout.trim().split('\n');
    expect(out.length).toBe(src.length);
    for (let i = 1; i < src.length; i++) {
      const [d, v] = src[i].split(',');
      const [d2, v2] = out[i].split(',');
      expect(d2).toBe(d);
      expect(v2 === '' ? null : Number(v2)).toBe(v === '' || v === '.' ? null : Number(v));
    }
  });

  it('skips broken CSV rows with their line numbers, keeps the good ones, exits 3', async () => {
    const bad = path.join(dir, 'broken.csv');
    writeFileSync(
      bad,
      [
        'timestamp,open,high,low,close,volume',
        '2030-01-01 00:00:00,100,110,90,105,5',
        '2030-01-01 01:00:00,105,104,90,100,5', // high below open
        'not-a-time,1,2,0.5,1.5,1',
        '2030-01-01 02:00:00,100,110,90,abc,5',
        '2030-01-01 03:00:00,100,110,90,105',
        '2030-01-01 04:30:00,100,110,90,105,5', // off the 1h grid
        '2030-01-01 05:00:00,100,110,90,105,-1',
        '2030-01-01 06:00:00,100,110,90,105,7',
      ].join('\n'),
    );
    const r = await runMts(['import', bad, '--symbol', 'SOL/USDT', '--timeframe', '1h'], { env });
    expect(r.code).toBe(3);
    for (const line of [3, 4, 5, 6, 7, 8]) expect(r.stderr).toContain(`broken.csv:${line}:`);
    expect(r.stderr).toContain('high 104 below max(open, close) 105');
    expect(r.stderr).toContain('off the 60m grid');
    expect(r.stdout).toContain('imported 2 candles');
    const exp = await runMts(['export', 'candles', '--symbol', 'SOL/USDT', '--timeframe', '1h'], { env });
    expect(exp.stdout.trim().split('\n').slice(1)).toEqual([`${Date.UTC(2030, 0, 1)},100,110,90,105,5`, `${Date.UTC(2030, 0, 1, 6)},100,110,90,105,7`]);
  });

  it('refuses a file that is not CSV at all, an unknown timeframe and a bad config, storing nothing and losing nothing', async () => {
    const notCsv = path.join(dir, 'notes.txt');
    writeFileSync(notCsv, 'Dear diary,\nthe market went up today.\n');
    const r1 = await runMts(['import', notCsv, '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/not a candle CSV .*timestamp, time, date or open_time/);
    const bin = path.join(dir, 'image.png');
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 0, 0, 0, 0, 0]));
    const r1b = await runMts(['import', bin, '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(r1b.code).toBe(2);
    expect(r1b.stderr).toContain('not a text file');
    const r2 = await runMts(['import', dataFile('candles/binance/BTCUSDT_1h.csv'), '--symbol', 'BTC/USDT', '--timeframe', '2h'], { env });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('unknown timeframe "2h"; allowed: 1m, 5m, 15m, 1h, 4h, 1d');
    const r3 = await runMts(['import', dataFile('candles/binance/BTCUSDT_1h.csv'), '--symbol', 'BTC/USDT', '--timeframe', '1h'], {
      env: { ...env, MTS_HTTP_PORT: 'eighty' },
    });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('http.port = "eighty" [from environment]');
    // what was stored before is intact
    const exp = await runMts(['export', 'candles', '--symbol', 'BTC/USDT', '--timeframe', '1h'], { env });
    expect(exp.stdout.trim().split('\n').length - 1).toBe(34349);
  });
});
