import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CandleColumns } from '../core/types.js';
import type { FastPath } from './backend.js';
import { emptyColumns } from './repos/candles.js';
import type { DB } from './schema.js';

export interface SqliteHandle {
  raw: Database.Database;
  db: Kysely<DB>;
  fast: FastPath;
}

/** Rows per INSERT: one statement binding many rows costs far less per row than one statement per row. */
const UPSERT_SIZES = [100, 10, 1] as const;

const upsertCandleSql = (rows: number) => `INSERT INTO candles (series_id, ts, open, high, low, close, volume) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}
  ON CONFLICT (series_id, ts) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
  close = excluded.close, volume = excluded.volume`;

/** Opens (creating if needed) a SQLite database file in WAL mode. `:memory:` works too. */
export function openSqlite(file: string): SqliteHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });

  // One prepared statement (and one reused parameter array) per batch size. SQLite applies the rows of a
  // multi-row upsert in order, so a timestamp given twice keeps its last copy, as row-by-row statements did.
  let upserts: { rows: number; stmt: Database.Statement; params: number[] }[] | undefined;
  const writeCandles = (seriesId: number, c: CandleColumns) => {
    upserts ??= UPSERT_SIZES.map((rows) => ({ rows, stmt: raw.prepare(upsertCandleSql(rows)), params: new Array<number>(rows * 7) }));
    let i = 0;
    for (const { rows, stmt, params } of upserts) {
      for (; i + rows <= c.length; i += rows) {
        for (let k = 0, p = 0; k < rows; k++, p += 7) {
          const j = i + k;
          params[p] = seriesId;
          params[p + 1] = c.ts[j];
          params[p + 2] = c.open[j];
          params[p + 3] = c.high[j];
          params[p + 4] = c.low[j];
          params[p + 5] = c.close[j];
          params[p + 6] = c.volume[j];
        }
        stmt.run(params);
      }
    }
  };
  const upsertInTransaction = raw.transaction(writeCandles);
  // Reads repeat the same few statement texts (one per id count and limit/no limit): prepare each once.
  const reads = new Map<string, Database.Statement>();
  const fast: FastPath = {
    async upsertCandles(seriesId: number, c: CandleColumns) {
      upsertInTransaction(seriesId, c);
    },
    async readCandles(seriesIds: number[], from: number, to: number, limit?: number) {
      const ids = seriesIds.map(() => '?').join(',');
      const order = limit !== undefined ? 'DESC' : 'ASC';
      const sqlText = `SELECT ts, open, high, low, close, volume FROM candles WHERE series_id IN (${ids}) AND ts >= ? AND ts <= ? ORDER BY ts ${order}${limit !== undefined ? ' LIMIT ?' : ''}`;
      const params: number[] = [...seriesIds, from, to];
      if (limit !== undefined) params.push(limit);
      let stmt = reads.get(sqlText);
      if (!stmt) {
        stmt = raw.prepare(sqlText).raw(true);
        if (reads.size < 64) reads.set(sqlText, stmt);
      }
      const rows = stmt.all(...params) as number[][];
      const n = rows.length;
      const out = emptyColumns(n);
      for (let k = 0; k < n; k++) {
        const r = rows[order === 'ASC' ? k : n - 1 - k];
        out.ts[k] = r[0];
        out.open[k] = r[1];
        out.high[k] = r[2];
        out.low[k] = r[3];
        out.close[k] = r[4];
        out.volume[k] = r[5];
      }
      return out;
    },
  };
  return { raw, db, fast };
}
