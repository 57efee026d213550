import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { CandleColumns } from '../core/types.js';
import type { FastPath } from './backend.js';
import { emptyColumns } from './repos/candles.js';
import type { DB } from './schema.js';

export interface PostgresHandle {
  pool: pg.Pool;
  db: Kysely<DB>;
  fast: FastPath;
  schema?: string;
}

const CHUNK = 20_000;

// int8 and numeric arrive as strings by default; MTS stores epoch ms in bigint, which fit in a double exactly.
const types = {
  getTypeParser(oid: number, format?: any) {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Connects to PostgreSQL. A `?schema=name` parameter on the URL puts every table in that schema (created if
 * missing), which is how tests get a database of their own.
 */
export async function openPostgres(url: string): Promise<PostgresHandle> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`postgres schema name "${schema}" must be lower-case letters, digits and _`);
  if (schema) {
    const admin = new pg.Client({ connectionString: u.toString() });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: 8,
    types,
    options: schema ? `-c search_path=${schema}` : undefined,
  } as pg.PoolConfig);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { pool, db, fast: postgresFastPath(db), schema };
}

/** Bulk paths on a root handle or inside a transaction (then they join it). */
export function postgresFastPath(db: Kysely<DB>): FastPath {
  const inTx = <T>(fn: (trx: Kysely<DB>) => Promise<T>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  return {
    async upsertCandles(seriesId: number, c: CandleColumns) {
      await inTx(async (trx) => {
        for (let i = 0; i < c.length; i += CHUNK) {
          const end = Math.min(c.length, i + CHUNK);
          const col = (a: Float64Array) => Array.from(a.subarray(i, end));
          await sql`INSERT INTO candles (series_id, ts, open, high, low, close, volume)
            SELECT ${seriesId}::integer, * FROM unnest(${col(c.ts)}::bigint[], ${col(c.open)}::float8[], ${col(c.high)}::float8[],
              ${col(c.low)}::float8[], ${col(c.close)}::float8[], ${col(c.volume)}::float8[])
            ON CONFLICT (series_id, ts) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
              close = excluded.close, volume = excluded.volume`.execute(trx);
        }
      });
    },
    async readCandles(seriesIds: number[], from: number, to: number, limit?: number) {
      const rows =
        limit !== undefined
          ? (
              await sql<{ ts: number; open: number; high: number; low: number; close: number; volume: number }>`
              SELECT * FROM (SELECT ts, open, high, low, close, volume FROM candles
                WHERE series_id = ANY(${seriesIds}::integer[]) AND ts >= ${from} AND ts <= ${to} ORDER BY ts DESC LIMIT ${limit}) t ORDER BY ts`.execute(db)
            ).rows
          : (
              await sql<{ ts: number; open: number; high: number; low: number; close: number; volume: number }>`
              SELECT ts, open, high, low, close, volume FROM candles
                WHERE series_id = ANY(${seriesIds}::integer[]) AND ts >= ${from} AND ts <= ${to} ORDER BY ts`.execute(db)
            ).rows;
      const out = emptyColumns(rows.length);
      rows.forEach((r, k) => {
        out.ts[k] = Number(r.ts);
        out.open[k] = r.open;
        out.high[k] = r.high;
        out.low[k] = r.low;
        out.close[k] = r.close;
        out.volume[k] = r.volume;
      });
      return out;
    },
  };
}
