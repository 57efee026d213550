/**
 * Parity (SPEC §10, §11): the alerts a backtest acted on, replayed through the paper engine on a virtual clock with
 * the same prices, give the same fills and the same final equity. The backtest runs sma_cross on real BTC/USDT 1h
 * candles with the risk orchestrator on; every signal it saw becomes an mts.alert/v1 alert. The paper side sees the
 * market as it would live: at each hour the bar's open arrives, alerts raised at that moment are applied at it, and
 * when the bar has closed it is stored and checked against stops and targets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backtest } from '../src/backtest/engine.js';
import { backtestRiskGate } from '../src/backtest/risk-gate.js';
import { buildConfig } from '../src/config/index.js';
import { VirtualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { HOUR_MS } from '../src/core/time.js';
import type { CandleColumns, Signal } from '../src/core/types.js';
import { costModel } from '../src/execution/costs.js';
import { PaperEngine } from '../src/paper/engine.js';
import { intentFromAlert } from '../src/paper/intent.js';
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

function slice(c: CandleColumns, from: number, to: number): CandleColumns {
  let a = 0;
  while (a < c.length && c.ts[a] < from) a++;
  let b = a;
  while (b < c.length && c.ts[b] <= to) b++;
  return { length: b - a, ts: c.ts.subarray(a, b), open: c.open.subarray(a, b), high: c.high.subarray(a, b), low: c.low.subarray(a, b), close: c.close.subarray(a, b), volume: c.volume.subarray(a, b) };
}

describe.each(storeTargets())('paper replay of a backtest on $name', ({ url }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });

  it('fills every alert as the backtest did and ends with the same equity', async () => {
    const config = buildConfig({ assets: [SYMBOL], paper: { timeframe: '1h', cash: 10_000 }, backtest: { feeBps: 10, slippageBps: 5 } });
    const candles = slice(loadCsvCandles(), WARMUP_FROM, TO);
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
    const key = { source: 'binance', symbol: SYMBOL, timeframe: '1h' as const };
    await store.candles.upsert(key, slice(candles, WARMUP_FROM, FROM - 1));
    const clock = new VirtualClock(FROM);
    const engine = await PaperEngine.open({ store, config, clock, log: silentLogger });
    const alerts = new Map<number, Signal[]>();
    for (const s of signals) alerts.set(s.ts, [...(alerts.get(s.ts) ?? []), s]);
    const live = slice(candles, FROM, TO);
    for (let i = 0; i < live.length; i++) {
      const t = live.ts[i];
      clock.set(t);
      await engine.openBar(SYMBOL, live.open[i], t);
      for (const s of alerts.get(t) ?? []) {
        const intent = intentFromAlert(alertFromSignal(s), config.assets);
        if (!intent.ok) throw new Error(intent.reason);
        await engine.applyAlert(intent.intent);
      }
      clock.set(t + HOUR_MS);
      const bar = { ts: t, open: live.open[i], high: live.high[i], low: live.low[i], close: live.close[i], volume: live.volume[i] };
      await store.candles.upsert(key, [bar]);
      await engine.onCandle(SYMBOL, bar);
    }

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
  }, 120_000);
});
