import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../schema.js';

/** Every table MTS needs; later migrations add columns. Types chosen to mean the same on SQLite and PostgreSQL. */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const autoId = dialect === 'sqlite' ? ('integer' as const) : ('bigserial' as const);
  const ts = 'bigint' as const;
  const real = 'double precision' as const;
  const withoutRowid = dialect === 'sqlite' ? sql`without rowid` : sql``;

  await db.schema
    .createTable('candle_series')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('timeframe', 'text', (c) => c.notNull())
    .addUniqueConstraint('candle_series_key', ['source', 'symbol', 'timeframe'])
    .execute();

  await db.schema
    .createTable('candles')
    .addColumn('series_id', 'integer', (c) => c.notNull())
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('open', real, (c) => c.notNull())
    .addColumn('high', real, (c) => c.notNull())
    .addColumn('low', real, (c) => c.notNull())
    .addColumn('close', real, (c) => c.notNull())
    .addColumn('volume', real, (c) => c.notNull())
    .addPrimaryKeyConstraint('candles_pk', ['series_id', 'ts'])
    .modifyEnd(withoutRowid)
    .execute();

  await db.schema
    .createTable('macro_observations')
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('date', ts, (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('fred'))
    .addPrimaryKeyConstraint('macro_pk', ['series', 'date'])
    .execute();

  await db.schema
    .createTable('funding_rates')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('rate', real, (c) => c.notNull())
    .addColumn('mark_price', real)
    .addPrimaryKeyConstraint('funding_pk', ['symbol', 'ts'])
    .execute();

  await db.schema
    .createTable('order_book_snapshots')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('bids', 'text', (c) => c.notNull())
    .addColumn('asks', 'text', (c) => c.notNull())
    .addColumn('mid', real)
    .addColumn('spread', real)
    .addPrimaryKeyConstraint('order_book_pk', ['symbol', 'ts'])
    .execute();

  await db.schema
    .createTable('signals')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('confidence', real, (c) => c.notNull())
    .addColumn('strength', 'text', (c) => c.notNull())
    .addColumn('price', real, (c) => c.notNull())
    .addColumn('size', real, (c) => c.notNull())
    .addColumn('stop_loss', real)
    .addColumn('take_profit', real)
    .addColumn('meta', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('signals_key', ['strategy', 'symbol', 'ts'])
    .execute();
  await db.schema.createIndex('signals_ts').on('signals').column('ts').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('alert_type', 'text', (c) => c.notNull())
    .addColumn('signal_type', 'text', (c) => c.notNull())
    .addColumn('confidence', real, (c) => c.notNull())
    .addColumn('strategy_name', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_ts').on('alerts').column('ts').execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('ts', ts, (c) => c.notNull())
    .addUniqueConstraint('deliveries_key', ['alert_id', 'channel', 'target'])
    .execute();

  await db.schema
    .createTable('api_calls')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', real, (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('api_calls_source_ts').on('api_calls').columns(['source', 'ts']).execute();

  await db.schema
    .createTable('scheduler_state')
    .addColumn('item', 'text', (c) => c.primaryKey())
    .addColumn('last_run', ts)
    .addColumn('last_success', ts)
    .addColumn('last_error', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run', ts)
    .addColumn('data_until', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('backtest_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('symbols', 'text', (c) => c.notNull())
    .addColumn('timeframe', 'text', (c) => c.notNull())
    .addColumn('from_ts', ts)
    .addColumn('to_ts', ts)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text')
    .addColumn('document', 'text')
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('backtest_trades')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('entry_ts', ts, (c) => c.notNull())
    .addColumn('entry_price', real, (c) => c.notNull())
    .addColumn('exit_ts', ts)
    .addColumn('exit_price', real)
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('pnl', real)
    .addColumn('fees', real, (c) => c.notNull())
    .addColumn('exit_reason', 'text')
    .addPrimaryKeyConstraint('backtest_trades_pk', ['run_id', 'seq'])
    .execute();

  await db.schema
    .createTable('backtest_equity')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('equity', real, (c) => c.notNull())
    .addPrimaryKeyConstraint('backtest_equity_pk', ['run_id', 'ts'])
    .execute();

  await db.schema
    .createTable('paper_account')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('cash', real, (c) => c.notNull())
    .addColumn('initial_cash', real, (c) => c.notNull())
    .addColumn('realized_pnl', real, (c) => c.notNull().defaultTo(0))
    .addColumn('fees', real, (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('paper_positions')
    .addColumn('symbol', 'text', (c) => c.primaryKey())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('avg_price', real, (c) => c.notNull())
    .addColumn('entry_ts', ts, (c) => c.notNull())
    .addColumn('stop_loss', real)
    .addColumn('take_profit', real)
    .addColumn('strategy', 'text')
    .addColumn('alert_id', 'text')
    .addColumn('fees', real, (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('paper_trades')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('entry_ts', ts, (c) => c.notNull())
    .addColumn('entry_price', real, (c) => c.notNull())
    .addColumn('exit_ts', ts, (c) => c.notNull())
    .addColumn('exit_price', real, (c) => c.notNull())
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('pnl', real, (c) => c.notNull())
    .addColumn('fees', real, (c) => c.notNull())
    .addColumn('exit_reason', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .execute();

  await db.schema
    .createTable('paper_fills')
    .addColumn('id', autoId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('alert_id', 'text')
    .addColumn('ts', ts, (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('price', real, (c) => c.notNull())
    .addColumn('fee', real, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('paper_alerts')
    .addColumn('alert_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('file', 'text')
    .addColumn('applied_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('paper_equity')
    .addColumn('ts', ts, (c) => c.primaryKey())
    .addColumn('equity', real, (c) => c.notNull())
    .addColumn('cash', real, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
}
