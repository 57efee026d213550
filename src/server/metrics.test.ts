import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/env.js';
import { monitoringConfig, type Seeded, seedMonitoringData } from '../../test/helpers/monitoring-seed.js';
import { parsePrometheusText, sampleValue } from '../../test/helpers/prom-text.js';
import { VirtualClock } from '../core/clock.js';
import { enableProcessMetrics, metrics } from '../core/metrics.js';
import { HOUR_MS } from '../core/time.js';
import { openStore, type Store } from '../storage/store.js';
import type { SourceFacts } from './providers.js';
import { createServer } from './server.js';

const TOKEN = 'metrics-test-token-0123456789';

describe('the strict Prometheus text parser used below', () => {
  it('rejects malformed exposition text', () => {
    expect(() => parsePrometheusText('x_total 1\n')).toThrow(/no # TYPE/);
    expect(() => parsePrometheusText('# TYPE x counter\nx{a=b} 1\n')).toThrow(/not quoted/);
    expect(() => parsePrometheusText('# TYPE x counter\nx 1\nx 2\n')).toThrow(/repeated/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n')).toThrow(/cumulative/);
    const ok = parsePrometheusText('# HELP x things\n# TYPE x counter\nx{a="q\\"uote",b="2"} 3.5e1\n');
    expect(sampleValue(ok, 'x', { a: 'q"uote' })).toBe(35);
  });
});

describe('GET /metrics', () => {
  let store: Store;
  let app: FastifyInstance;
  let seed: Seeded;
  let clock: VirtualClock;
  let breaker: SourceFacts['breaker'] = 'closed';

  beforeAll(async () => {
    store = await openStore(`sqlite:${path.join(tempDir(), 'm.db')}`);
    seed = await seedMonitoringData(store);
    clock = new VirtualClock(seed.now);
    enableProcessMetrics();
    app = await createServer({
      config: monitoringConfig({ http: { apiToken: TOKEN } }),
      store,
      clock,
      providers: { sources: () => ({ binance: { breaker } }) },
      triggers: {
        // Stands in for the collector: stores candles and moves the counters the collector owns.
        collect: async () => {
          const last = seed.candles['BTC/USDT'][399];
          const n = await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, [{ ...last, ts: last.ts + HOUR_MS }]);
          metrics.rowsStored.inc({ table: 'candles' }, n);
          metrics.apiCalls.inc({ source: 'binance', endpoint: 'klines', status: '2xx' });
          metrics.apiLatency.observe({ source: 'binance' }, 0.12);
          return { stored: n };
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(res.body);
  };

  it('parses strictly and carries the metrics of SPEC §12 and the process metrics', async () => {
    const families = await scrape();
    for (const name of [
      'mts_api_calls_total',
      'mts_api_errors_total',
      'mts_api_latency_seconds',
      'mts_rows_stored_total',
      'mts_signals_total',
      'mts_alerts_total',
      'mts_deliveries_total',
      'mts_circuit_state',
      'mts_scheduler_lag_seconds',
      'mts_paper_equity',
      'mts_data_age_seconds',
      'mts_http_requests_total',
      'mts_process_cpu_user_seconds_total',
      'mts_process_resident_memory_bytes',
      'mts_nodejs_eventloop_lag_seconds',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.get('mts_api_latency_seconds')?.type).toBe('histogram');
  });

  it('refreshes stored-state gauges at scrape time: data age per item, paper equity, circuit state', async () => {
    let families = await scrape();
    expect(sampleValue(families, 'mts_data_age_seconds', { item: 'BTC/USDT 1h' })).toBe(300);
    expect(sampleValue(families, 'mts_data_age_seconds', { item: 'ETH/USDT 1h' })).toBe(300);
    expect(sampleValue(families, 'mts_paper_equity')).toBeCloseTo(seed.equity, 6);
    expect(sampleValue(families, 'mts_circuit_state', { source: 'binance' })).toBe(0);
    expect(sampleValue(families, 'mts_api_budget_calls_today', { source: 'binance' })).toBe(2);
    await clock.advance(HOUR_MS);
    breaker = 'open';
    families = await scrape();
    expect(sampleValue(families, 'mts_data_age_seconds', { item: 'BTC/USDT 1h' })).toBe(300 + 3600);
    expect(sampleValue(families, 'mts_circuit_state', { source: 'binance' })).toBe(2);
  });

  it('moves its counters when work is done through the server', async () => {
    const before = await scrape();
    const count = (f: typeof before, name: string, labels: Record<string, string>) => sampleValue(f, name, labels) ?? 0;
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: '/api/v1/signals?limit=1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/signals?limit=0' })).statusCode).toBe(400);
    const post = await app.inject({ method: 'POST', url: '/api/v1/collect', payload: {}, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.json()).toEqual({ status: 'done', result: { stored: 1 } });
    const after = await scrape();
    const ok = { route: '/api/v1/signals', method: 'GET', status: '200' };
    expect(count(after, 'mts_http_requests_total', ok) - count(before, 'mts_http_requests_total', ok)).toBe(3);
    const bad = { route: '/api/v1/signals', method: 'GET', status: '400' };
    expect(count(after, 'mts_http_requests_total', bad) - count(before, 'mts_http_requests_total', bad)).toBe(1);
    const done = { kind: 'collect', status: 'done' };
    expect(count(after, 'mts_api_triggers_total', done) - count(before, 'mts_api_triggers_total', done)).toBe(1);
    expect(count(after, 'mts_rows_stored_total', { table: 'candles' }) - count(before, 'mts_rows_stored_total', { table: 'candles' })).toBe(1);
    expect(count(after, 'mts_api_latency_seconds_count', { source: 'binance' }) - count(before, 'mts_api_latency_seconds_count', { source: 'binance' })).toBe(1);
    // The new candle makes BTC fresh again.
    expect(sampleValue(after, 'mts_data_age_seconds', { item: 'BTC/USDT 1h' })).toBe(300);
  });
});
