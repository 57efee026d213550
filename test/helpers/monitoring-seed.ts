/**
 * Demo-like monitoring data in a store: real Binance BTC and ETH hourly candles (the last 400 hours of the shared
 * data), real VIX observations, and signals, alerts, API calls, a paper portfolio and backtest runs around them.
 */
import { readFileSync } from 'node:fs';
import { type ConfigInput, buildConfig } from '../../src/config/index.js';
import { HOUR_MS, parseTimeLoose } from '../../src/core/time.js';
import type { Candle, Signal } from '../../src/core/types.js';
import type { Store } from '../../src/storage/store.js';
import { dataFile } from './env.js';

export const SEED_SYMBOLS = ['BTC/USDT', 'ETH/USDT'] as const;

export function readBinanceCsv(file: string, last: number): Candle[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return lines.slice(-last).map((l) => {
    const [t, o, h, lo, c, v] = l.split(',');
    return { ts: parseTimeLoose(t), open: Number(o), high: Number(h), low: Number(lo), close: Number(c), volume: Number(v) };
  });
}

/** Tiers matching the seeded data: BTC and ETH hourly from Binance, VIX daily. */
export function monitoringConfig(extra: ConfigInput = {}) {
  return buildConfig({
    tiers: {
      highFrequency: { interval: '1h', symbols: [...SEED_SYMBOLS], source: 'binance', timeframe: '1h' },
      hourly: { interval: '1h', symbols: [], source: 'binance', timeframe: '1h' },
      macro: { series: ['VIXCLS'] },
    },
    ...extra,
  });
}

export interface Seeded {
  /** A time just after the last candle closed: the data is fresh at this time. */
  now: number;
  candles: Record<string, Candle[]>;
  signals: Signal[];
  alertIds: string[];
  equity: number;
  backtestIds: string[];
}

export async function seedMonitoringData(store: Store): Promise<Seeded> {
  const candles: Record<string, Candle[]> = {
    'BTC/USDT': readBinanceCsv(dataFile('candles', 'binance', 'BTCUSDT_1h.csv'), 400),
    'ETH/USDT': readBinanceCsv(dataFile('candles', 'binance', 'ETHUSDT_1h.csv'), 400),
  };
  for (const symbol of SEED_SYMBOLS) await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, candles[symbol]);
  const lastTs = candles['BTC/USDT'][399].ts;
  const now = lastTs + HOUR_MS + 5 * 60_000;

  const vix = readFileSync(dataFile('fred', 'VIXCLS.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(','))
    .map(([d, v]) => ({ series: 'VIXCLS', date: parseTimeLoose(d), value: v === '' || v === '.' ? null : Number(v) }))
    .filter((o) => Number.isFinite(o.date) && o.date < now - 86_400_000)
    .slice(-120);
  await store.macro.upsert(vix);

  // Signals at bar closes: BTC alternates LONG/CLOSE for sma_cross, ETH gets volatility SHORTs.
  const signals: Signal[] = [];
  for (let i = 40; i < 400; i += 45) {
    const b = candles['BTC/USDT'][i];
    signals.push({ ts: b.ts + HOUR_MS, strategy: 'sma_cross', symbol: 'BTC/USDT', side: signals.length % 2 ? 'CLOSE' : 'LONG', confidence: 0.6 + (i % 30) / 100, strength: 'MODERATE', price: b.close, size: 1, stopLoss: null, takeProfit: null });
  }
  for (let i = 70; i < 400; i += 110) {
    const b = candles['ETH/USDT'][i];
    signals.push({ ts: b.ts + HOUR_MS, strategy: 'volatility', symbol: 'ETH/USDT', side: 'SHORT', confidence: 0.82, strength: 'STRONG', price: b.close, size: 0.05, stopLoss: b.close * 1.04, takeProfit: b.close * 0.92, meta: { percentile: 0.97 } });
  }
  await store.signals.insertSignals(signals, now);

  const alertIds: string[] = [];
  for (const [k, s] of signals.filter((x) => x.side !== 'CLOSE').slice(-4).entries()) {
    const id = `00000000-0000-4000-8000-00000000000${k}`;
    alertIds.push(id);
    await store.signals.insertAlert({
      id,
      ts: s.ts,
      symbol: s.symbol,
      asset: s.symbol.startsWith('BTC') ? 'bitcoin' : 'ethereum',
      alert_type: s.strategy === 'volatility' ? 'volatility_spike' : 'trading_signal',
      signal_type: s.side,
      confidence: s.confidence,
      strategy_name: 'aggregate',
      file: null,
      body: { schema: 'mts.alert/v1', id, timestamp: s.ts, symbol: s.symbol, signal_type: s.side, price: s.price },
    }, now);
  }
  await store.signals.recordDelivery({ alertId: alertIds[0], channel: 'discord', target: 'discord#1', status: 'sent', attempts: 1, ts: now - 30 * 60_000 });

  await store.ops.recordApiCalls([
    { ts: now - 10 * 60_000, source: 'binance', endpoint: 'klines', status: 200, latencyMs: 120, weight: 2 },
    { ts: now - 9 * 60_000, source: 'binance', endpoint: 'klines', status: 200, latencyMs: 95, weight: 2 },
    { ts: now - 20 * 60_000, source: 'coingecko', endpoint: 'coins/markets', status: 200, latencyMs: 310 },
    { ts: now - 3 * HOUR_MS, source: 'fred', endpoint: 'series/observations', status: 200, latencyMs: 250 },
  ]);
  await store.ops.putSchedulerState({ item: 'binance:BTC/USDT:1h', lastRun: now - 5 * 60_000, lastSuccess: now - 5 * 60_000, lastError: null, failures: 0, nextRun: now + 55 * 60_000, dataUntil: lastTs + HOUR_MS }, now - 5 * 60_000);

  // Paper portfolio: started with 10,000; one open BTC long; two closed trades; an hourly equity curve.
  const db = store.db;
  const btc = candles['BTC/USDT'];
  const entry = btc[300].close;
  const qty = 0.05;
  const cash = 10_000 - entry * qty + 125.4 - 3.1;
  await db.insertInto('paper_account').values({ id: 1, cash, initial_cash: 10_000, realized_pnl: 125.4, fees: 3.1, state: null, updated_at: now - 60_000 }).execute();
  await db.insertInto('paper_positions').values({ symbol: 'BTC/USDT', side: 'LONG', quantity: qty, avg_price: entry, entry_ts: btc[300].ts, stop_loss: entry * 0.95, take_profit: entry * 1.1, strategy: 'aggregate', alert_id: alertIds[0], fees: 1.2 }).execute();
  await db.insertInto('paper_trades').values([
    { symbol: 'ETH/USDT', side: 'SHORT', entry_ts: btc[100].ts, entry_price: 3000, exit_ts: btc[150].ts, exit_price: 2900, quantity: 1, pnl: 98.5, fees: 1.5, exit_reason: 'take_profit', alert_id: null },
    { symbol: 'BTC/USDT', side: 'LONG', entry_ts: btc[200].ts, entry_price: 90_000, exit_ts: btc[250].ts, exit_price: 90_600, quantity: 0.05, pnl: 26.9, fees: 1.6, exit_reason: 'signal', alert_id: null },
  ]).execute();
  const curve = btc.slice(100).map((b, i) => ({ ts: b.ts + HOUR_MS, equity: 10_000 + i * 0.4 + (i > 200 ? (b.close - entry) * qty : 0), cash }));
  for (let i = 0; i < curve.length; i += 100) await db.insertInto('paper_equity').values(curve.slice(i, i + 100)).execute();
  const equity = curve[curve.length - 1].equity;

  // Two backtest runs with stored metrics, trades and equity.
  const backtestIds = ['bt-sma-btc', 'bt-vol-eth'];
  const runs = [
    { id: backtestIds[0], strategy: 'sma_cross', symbols: ['BTC/USDT'], metrics: { total_return: 0.1834, sharpe: 1.42, max_drawdown: 0.087, trades: 12, win_rate: 0.5833, final_equity: 11834 } },
    { id: backtestIds[1], strategy: 'volatility', symbols: ['ETH/USDT'], metrics: { total_return: -0.0412, sharpe: -0.31, max_drawdown: 0.156, trades: 7, win_rate: 0.2857, final_equity: 9588 } },
  ];
  for (const [k, r] of runs.entries()) {
    await db.insertInto('backtest_runs').values({
      id: r.id,
      created_at: now - (k + 1) * HOUR_MS,
      strategy: r.strategy,
      params: JSON.stringify({ fast: 10, slow: 30 }),
      symbols: JSON.stringify(r.symbols),
      timeframe: '1h',
      from_ts: btc[0].ts,
      to_ts: btc[399].ts,
      status: 'done',
      metrics: JSON.stringify(r.metrics),
      document: null,
      error: null,
    }).execute();
    await db.insertInto('backtest_trades').values([0, 1, 2].map((seq) => ({
      run_id: r.id, seq, symbol: r.symbols[0], side: 'LONG', entry_ts: btc[seq * 100].ts, entry_price: btc[seq * 100].open, exit_ts: btc[seq * 100 + 50].ts, exit_price: btc[seq * 100 + 50].open, quantity: 0.1, pnl: (btc[seq * 100 + 50].open - btc[seq * 100].open) * 0.1, fees: 1, exit_reason: 'signal',
    }))).execute();
    const eq = btc.map((b, i) => ({ run_id: r.id, ts: b.ts, equity: 10_000 * (1 + (r.metrics.total_return * i) / 399) }));
    for (let i = 0; i < eq.length; i += 100) await db.insertInto('backtest_equity').values(eq.slice(i, i + 100)).execute();
  }
  return { now, candles, signals, alertIds, equity, backtestIds };
}
