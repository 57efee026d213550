/**
 * Import throughput: candles per second into a SQLite file through the Store, against a bare better-sqlite3
 * prepared-insert loop into the same table layout in the same run (issue 2: >= 500k candles/s, ratio >= 0.7).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Candle } from '../src/core/types.js';
import { dedupeCandles, parseCandleText } from '../src/sources/files/candles.js';
import { openStore } from '../src/storage/store.js';
import { type BenchResult, bestOf } from './harness.js';

const N = 1_000_000;
const H = 3_600_000;

function makeCandles(n: number): Candle[] {
  const out: Candle[] = new Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = p * (1 + (((i * 7919) % 1000) - 500) / 1e5);
    out[i] = { ts: i * H, open: o, high: Math.max(o, p) * 1.001, low: Math.min(o, p) * 0.999, close: p, volume: 10 + (i % 97) };
  }
  return out;
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mts-bench-import-'));
  const candles = makeCandles(N);
  let run = 0;
  try {
    const bare = await bestOf(3, () => {
      const db = new Database(path.join(dir, `bare${run++}.db`));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(
        'CREATE TABLE candles (series_id INTEGER NOT NULL, ts BIGINT NOT NULL, open DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL, low DOUBLE PRECISION NOT NULL, close DOUBLE PRECISION NOT NULL, volume DOUBLE PRECISION NOT NULL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID',
      );
      const stmt = db.prepare('INSERT INTO candles (series_id, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)');
      db.transaction(() => {
        for (const c of candles) stmt.run(1, c.ts, c.open, c.high, c.low, c.close, c.volume);
      })();
      db.close();
    });
    const viaStore = await bestOf(3, async () => {
      const store = await openStore(`sqlite:${path.join(dir, `store${run++}.db`)}`);
      await store.candles.upsert({ source: 'import', symbol: 'BTC/USDT', timeframe: '1h' }, candles);
      await store.close();
    });
    // the whole `mts import` path: parse a CSV, check every row, dedupe, store
    const csv = `timestamp,open,high,low,close,volume\n${candles
      .slice(0, 200_000)
      .map((c) => `${c.ts},${c.open},${c.high},${c.low},${c.close},${c.volume}`)
      .join('\n')}`;
    const whole = await bestOf(2, async () => {
      const store = await openStore(`sqlite:${path.join(dir, `csv${run++}.db`)}`);
      const parsed = dedupeCandles(parseCandleText(csv, 'bench.csv', H));
      await store.candles.upsert({ source: 'import', symbol: 'BTC/USDT', timeframe: '1h' }, parsed.rows);
      await store.close();
    });
    const bareRate = N / (bare / 1000);
    const storeRate = N / (viaStore / 1000);
    const wholeRate = 200_000 / (whole / 1000);
    return [
      { name: 'import: candles into SQLite through the Store', figure: storeRate, unit: 'candles/s', baselineName: 'bare prepared insert', baseline: bareRate, ratio: storeRate / bareRate, target: '>= 500k/s, ratio >= 0.7' },
      { name: 'import: CSV parse + checks + store (mts import path)', figure: wholeRate, unit: 'candles/s', baselineName: 'bare prepared insert', baseline: bareRate, ratio: wholeRate / bareRate },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
