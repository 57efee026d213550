/**
 * The Prometheus metrics of SPEC §12, in one registry. Modules import the metric they move; the server exposes
 * the registry at /metrics. Labels are low-cardinality (source, endpoint family, channel, strategy).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
let defaultsOn = false;

/** Adds process metrics (CPU, memory, event loop lag); called once by long-running commands. */
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: 'mts_' });
}

export const metrics = {
  apiCalls: new Counter({ name: 'mts_api_calls_total', help: 'API calls per source, endpoint and status class', labelNames: ['source', 'endpoint', 'status'], registers: [registry] }),
  apiErrors: new Counter({ name: 'mts_api_errors_total', help: 'Failed API calls per source and kind', labelNames: ['source', 'kind'], registers: [registry] }),
  apiLatency: new Histogram({
    name: 'mts_api_latency_seconds',
    help: 'API call latency per source',
    labelNames: ['source'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  apiWeight: new Counter({ name: 'mts_api_weight_total', help: 'Request weight spent per source', labelNames: ['source'], registers: [registry] }),
  rowsStored: new Counter({ name: 'mts_rows_stored_total', help: 'Rows written per table', labelNames: ['table'], registers: [registry] }),
  rowsRejected: new Counter({ name: 'mts_rows_rejected_total', help: 'Data points rejected by validation, per reason', labelNames: ['reason'], registers: [registry] }),
  signals: new Counter({ name: 'mts_signals_total', help: 'Signals generated per strategy and side', labelNames: ['strategy', 'side'], registers: [registry] }),
  alerts: new Counter({ name: 'mts_alerts_total', help: 'Alerts written per type', labelNames: ['type'], registers: [registry] }),
  deliveries: new Counter({ name: 'mts_deliveries_total', help: 'Alert deliveries per channel and result', labelNames: ['channel', 'status'], registers: [registry] }),
  circuitState: new Gauge({ name: 'mts_circuit_state', help: 'Circuit breaker per source: 0 closed, 1 half-open, 2 open', labelNames: ['source'], registers: [registry] }),
  schedulerLag: new Gauge({ name: 'mts_scheduler_lag_seconds', help: 'How late each scheduled item ran', labelNames: ['item'], registers: [registry] }),
  schedulerTicks: new Counter({ name: 'mts_scheduler_ticks_total', help: 'Scheduler loop iterations', registers: [registry] }),
  dataFreshness: new Gauge({ name: 'mts_data_age_seconds', help: 'Age of the newest stored data per item', labelNames: ['item'], registers: [registry] }),
  paperEquity: new Gauge({ name: 'mts_paper_equity', help: 'Paper portfolio equity', registers: [registry] }),
  paperAlerts: new Counter({ name: 'mts_paper_alerts_total', help: 'Alerts consumed by the paper trader per outcome', labelNames: ['status'], registers: [registry] }),
  streamMessages: new Counter({ name: 'mts_stream_messages_total', help: 'WebSocket stream messages handled per market and kind', labelNames: ['market', 'kind'], registers: [registry] }),
  streamReconnects: new Counter({ name: 'mts_stream_reconnects_total', help: 'WebSocket stream reconnects per market', labelNames: ['market'], registers: [registry] }),
  streamBadFrames: new Counter({ name: 'mts_stream_bad_frames_total', help: 'Unreadable stream frames per market (each replaces the socket)', labelNames: ['market'], registers: [registry] }),
  streamGapsRepaired: new Counter({ name: 'mts_stream_gaps_repaired_total', help: 'Candle gaps repaired by a REST backfill after a (re)connect, per timeframe', labelNames: ['timeframe'], registers: [registry] }),
  streamConnected: new Gauge({ name: 'mts_stream_connected', help: 'Whether each stream socket is connected (1) or not (0)', labelNames: ['market'], registers: [registry] }),
  budgetCalls: new Gauge({ name: 'mts_api_budget_calls_today', help: 'API calls made today (UTC) per source', labelNames: ['source'], registers: [registry] }),
};
