/**
 * Parity (SPEC §10, §11): the alerts a backtest acted on, replayed through the paper engine on a virtual clock with
 * the same prices, give the same fills and the same final equity. The backtest runs sma_cross on real BTC/USDT 1h
 * candles with the risk orchestrator on; every signal it saw becomes an mts.alert/v1 alert, replayed by
 * src/paper/replay.ts: at each hour the bar's open arrives, alerts raised at that moment are applied at it, and when
 * the bar has closed it is stored and checked against stops and targets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backtest } from '../src/backtest/engine.js';
import { backtestRiskGate } from '../src/backtest/risk-gate.js';
import { buildConfig } from '../src/config/index.js';
import { silentLogger } from '../src/core/log.js';
import { HOUR_MS } from '../src/core/time.js';
import type { Signal } from '../src/core/types.js';
import { costModel } from '../src/execution/costs.js';
import { intentFromAlert } from '../src/paper/intent.js';
import { replayAlerts, sliceColumns } from '../src/paper/replay.js';
import { alertFromSignal } from '../src/signals/alerts/index.js';
import { openStore, type Store } from '../src/storage/store.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { StrategyRunner } from '../src/strategies/runner.js';
import { dropPgSchema, storeTargets } from './helpers/env.js';
import { loadCsvCandles } from './helpers/real-candles.js';

const SYMBOL = 'BTC/USDT';
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2024, 3, 1) - HOUR_MS;
const WARMUP_FROM = FROM - 40 * 24 * HOUR_MS;

describe.each(storeTargets())('paper replay of a backtest on $name', ({ url }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });

  it('fills every alert as the backtest did and ends with the same equity', async () => {
    const config = buildConfig({ assets: [SYMBOL], paper: { timeframe: '1h', cash: 10_000 }, backtest: { feeBps: 10, slippageBps: 5 } });
    const candles = sliceColumns(loadCsvCandles(), WARMUP_FROM, TO);
    const base = new Map([[SYMBOL, candles]]);

    // The backtest, recording every signal the strategy gave.
    const bt = new Backtest({
      base,
      baseMs: HOUR_MS,
      from: FROM,
      to: TO,
      cash: 10_000,
      costs: costModel({ feeBps: 10, slippageBps: 5 }),
      risk: backtestRiskGate(smaCross.name, config.risk, base, '1h'),
    });
    const runner = new StrategyRunner(smaCross, {}, { candles: base, macro: new Map() }, { symbols: [SYMBOL], position: bt.positionOf });
    const signals: Signal[] = [];
    const outcome = bt.run({
      symbols: runner.symbols,
      barMs: runner.barMs,
      bars: (s) => runner.bars(s),
      firstIndex: (s) => runner.firstIndex(s),
      onBar: (s, i) => {
        const out = runner.onBar(s, i);
        signals.push(...out);
        return out;
      },
    });
    const want = outcome.sim.trades.concat(outcome.sim.openTrades(TO + HOUR_MS));
    expect(want.length).toBeGreaterThan(5);

    // The paper engine, fed the same prices hour by hour.
    const u = url();
    urls.push(u);
    const store = await openStore(u);
    stores.push(store);
    const intents = signals.map((s) => {
      const r = intentFromAlert(alertFromSignal(s), config.assets);
      if (!r.ok) throw new Error(r.reason);
      return { intent: r.intent, file: null };
    });
    const { engine, outcomes } = await replayAlerts({ store, config, log: silentLogger, candles: base, alerts: intents, from: FROM, to: TO });
    expect(outcomes).toHaveLength(signals.length);
    const sim = engine.current.sim;
    const got = (await store.paper.trades()).map((t) => ({ ...t })).concat(sim.openTrades(TO + HOUR_MS).map((t) => ({ ...t, exitTs: t.exitTs ?? 0, exitPrice: t.exitPrice ?? 0, exitReason: 'end_of_data', alertId: null, strategy: null })));
    expect(got.map(({ alertId: _a, strategy: _s, ...t }) => t)).toEqual(want.map((t) => ({ ...t })));
    // Every fill: an entry and an exit per closed trade, at the backtest's prices.
    const fills = await store.paper.fills();
    const closed = outcome.sim.trades;
    expect(fills.filter((f) => f.reason === 'entry').map((f) => [f.ts, f.price, f.quantity])).toEqual(want.map((t) => [t.entryTs, t.entryPrice, t.quantity]));
    expect(fills.filter((f) => f.reason !== 'entry').map((f) => [f.ts, f.price, f.reason])).toEqual(closed.map((t) => [t.exitTs, t.exitPrice, t.exitReason]));
    expect(sim.equity()).toBe(outcome.curveEquity[outcome.curveEquity.length - 1]);
    expect(sim.cash).toBe(outcome.sim.cash);

    // The same replay over candles stored beforehand (as the demo has them): the clock alone hides the future.
    const u2 = url();
    urls.push(u2);
    const stored = await openStore(u2);
    stores.push(stored);
    await stored.candles.upsert({ source: 'binance', symbol: SYMBOL, timeframe: '1h' }, candles);
    const again = await replayAlerts({ store: stored, config, log: silentLogger, candles: base, alerts: intents, from: FROM, to: TO, stored: true });
    expect(await stored.paper.fills()).toEqual(fills);
    expect(again.engine.current.sim.equity()).toBe(sim.equity());
  }, 120_000);
});
