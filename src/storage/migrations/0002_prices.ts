import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.js';

/** Last prices per asset and source (the price tier: CoinGecko markets, or the Binance ticker as fallback). */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('price_snapshots')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('price', 'double precision', (c) => c.notNull())
    .addColumn('volume_24h', 'double precision')
    .addColumn('change_24h_pct', 'double precision')
    .addPrimaryKeyConstraint('price_snapshots_pk', ['symbol', 'ts', 'source'])
    .execute();
}
