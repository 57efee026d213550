import type { Kysely } from 'kysely';
import type { Dialect } from '../schema.js';

/**
 * Paper trading: what each consumed alert was about (for status and reports without re-reading files), and whether
 * a position was open at each equity point (the exposure metric), and which strategy a trade
 * belongs to (half-Kelly sizing learns from it after a restart).
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('paper_alerts').addColumn('alert_ts', 'bigint').execute();
  await db.schema.alterTable('paper_alerts').addColumn('symbol', 'text').execute();
  await db.schema.alterTable('paper_alerts').addColumn('signal_type', 'text').execute();
  await db.schema.alterTable('paper_trades').addColumn('strategy', 'text').execute();
  await db.schema.alterTable('paper_equity').addColumn('in_market', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('paper_fills_alert').on('paper_fills').column('alert_id').execute();
}
