/** Table types for the query layer (Kysely). Times are epoch ms; JSON columns are text. */
import type { ColumnType, Generated } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export interface CandleSeriesTable {
  id: Generated<number>;
  source: string;
  symbol: string;
  timeframe: string;
}

export interface CandlesTable {
  series_id: number;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface MacroTable {
  series: string;
  date: number;
  value: number | null;
  source: string;
}

export interface FundingTable {
  symbol: string;
  ts: number;
  rate: number;
  mark_price: number | null;
}

export interface PriceSnapshotsTable {
  symbol: string;
  ts: number;
  source: string;
  price: number;
  volume_24h: number | null;
  change_24h_pct: number | null;
}

export interface OrderBookTable {
  symbol: string;
  ts: number;
  bids: string;
  asks: string;
  mid: number | null;
  spread: number | null;
}

export interface SignalsTable {
  id: Generated<number>;
  ts: number;
  strategy: string;
  symbol: string;
  side: string;
  confidence: number;
  strength: string;
  price: number;
  size: number;
  stop_loss: number | null;
  take_profit: number | null;
  meta: string | null;
  created_at: number;
}

export interface AlertsTable {
  id: string;
  ts: number;
  symbol: string;
  asset: string;
  alert_type: string;
  signal_type: string;
  confidence: number;
  strategy_name: string;
  file: string | null;
  body: string;
  created_at: number;
}

export interface DeliveriesTable {
  id: Generated<number>;
  alert_id: string;
  channel: string;
  target: string;
  status: string;
  attempts: number;
  last_error: string | null;
  ts: number;
}

export interface ApiCallsTable {
  id: Generated<number>;
  ts: number;
  source: string;
  endpoint: string;
  status: number;
  latency_ms: number;
  weight: number;
  error: string | null;
}

export interface SchedulerStateTable {
  item: string;
  last_run: number | null;
  last_success: number | null;
  last_error: string | null;
  failures: number;
  next_run: number | null;
  data_until: number | null;
  updated_at: number;
}

export interface BacktestRunsTable {
  id: string;
  created_at: number;
  strategy: string;
  params: string;
  symbols: string;
  timeframe: string;
  from_ts: number | null;
  to_ts: number | null;
  status: string;
  metrics: string | null;
  document: string | null;
  error: string | null;
}

export interface BacktestTradesTable {
  run_id: string;
  seq: number;
  symbol: string;
  side: string;
  entry_ts: number;
  entry_price: number;
  exit_ts: number | null;
  exit_price: number | null;
  quantity: number;
  pnl: number | null;
  fees: number;
  exit_reason: string | null;
}

export interface BacktestEquityTable {
  run_id: string;
  ts: number;
  equity: number;
}

export interface PaperAccountTable {
  id: number;
  cash: number;
  initial_cash: number;
  realized_pnl: number;
  fees: number;
  state: string | null;
  updated_at: number;
}

export interface PaperPositionsTable {
  symbol: string;
  side: string;
  quantity: number;
  avg_price: number;
  entry_ts: number;
  stop_loss: number | null;
  take_profit: number | null;
  strategy: string | null;
  alert_id: string | null;
  fees: number;
}

export interface PaperTradesTable {
  id: Generated<number>;
  symbol: string;
  side: string;
  entry_ts: number;
  entry_price: number;
  exit_ts: number;
  exit_price: number;
  quantity: number;
  pnl: number;
  fees: number;
  exit_reason: string;
  alert_id: string | null;
  strategy: string | null;
}

export interface PaperFillsTable {
  id: Generated<number>;
  alert_id: string | null;
  ts: number;
  symbol: string;
  side: string;
  quantity: number;
  price: number;
  fee: number;
  reason: string;
}

export interface PaperAlertsTable {
  alert_id: string;
  status: string;
  reason: string | null;
  file: string | null;
  applied_at: number;
  /** The alert's own timestamp, symbol and signal type (null for a malformed file). */
  alert_ts: number | null;
  symbol: string | null;
  signal_type: string | null;
}

export interface PaperEquityTable {
  ts: number;
  equity: number;
  cash: number;
  /** 1 when a position was open at this point. */
  in_market: ColumnType<number, number | undefined, number>;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: ColumnType<number, number, number>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  salt: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  ts: number;
  actor: string;
  action: string;
  origin: string;
  result: string;
  detail: string | null;
}

export interface DB {
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  candle_series: CandleSeriesTable;
  candles: CandlesTable;
  macro_observations: MacroTable;
  funding_rates: FundingTable;
  order_book_snapshots: OrderBookTable;
  price_snapshots: PriceSnapshotsTable;
  signals: SignalsTable;
  alerts: AlertsTable;
  deliveries: DeliveriesTable;
  api_calls: ApiCallsTable;
  scheduler_state: SchedulerStateTable;
  backtest_runs: BacktestRunsTable;
  backtest_trades: BacktestTradesTable;
  backtest_equity: BacktestEquityTable;
  paper_account: PaperAccountTable;
  paper_positions: PaperPositionsTable;
  paper_trades: PaperTradesTable;
  paper_fills: PaperFillsTable;
  paper_alerts: PaperAlertsTable;
  paper_equity: PaperEquityTable;
  kv: KvTable;
}
