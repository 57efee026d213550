/**
 * The risk verdict an alert carries (SPEC §8 `risk`): the orchestrator's decision for the signal against the
 * paper account as it stands (a fresh account of config.paper.cash when there is none) and the symbol's recent
 * market (ATR, volatility, volume from the last 31 days of stored 1h candles closed by `now`).
 */
import type { Config } from '../config/schema.js';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { MarkedPosition, Signal } from '../core/types.js';
import { marketStateAt } from '../risk/market.js';
import { alertRisk, decide } from '../risk/orchestrator.js';
import type { RiskPortfolio } from '../risk/types.js';
import type { AlertRisk } from './alerts/index.js';
import type { Store } from '../storage/store.js';

async function lastClose(store: Store, symbol: string, now: number): Promise<number | undefined> {
  const c = await store.candles.read({ symbol, timeframe: '1h', to: now - HOUR_MS, limit: 1 });
  return c.length ? c.close[0] : undefined;
}

/** The paper account as a portfolio snapshot, marked at the latest closes. */
export async function accountSnapshot(store: Store, config: Config, now: number): Promise<RiskPortfolio> {
  const account = await store.paper.account();
  const cash = account?.cash ?? config.paper.cash;
  const positions: MarkedPosition[] = [];
  let value = 0;
  for (const p of await store.paper.positions()) {
    const marketPrice = (await lastClose(store, p.symbol, now)) ?? p.avgPrice;
    positions.push({ symbol: p.symbol, side: p.side, quantity: p.quantity, avgPrice: p.avgPrice, entryTs: p.entryTs, stopLoss: p.stopLoss, takeProfit: p.takeProfit, marketPrice });
    value += (p.side === 'LONG' ? 1 : -1) * p.quantity * marketPrice;
  }
  const equity = cash + value;
  return { ts: now, cash, equity, peakEquity: Math.max(equity, account?.initialCash ?? equity), dayStartEquity: equity, positions };
}

/** One verdict per signal, in order. */
export async function riskVerdicts(store: Store, config: Config, signals: readonly Signal[], now: number): Promise<AlertRisk[]> {
  const portfolio = await accountSnapshot(store, config, now);
  const out: AlertRisk[] = [];
  for (const s of signals) {
    const c = await store.candles.read({ symbol: s.symbol, timeframe: '1h', from: now - 31 * DAY_MS, to: now - HOUR_MS });
    const market = c.length > 0 ? marketStateAt(c, c.length - 1, { timeframe: '1h' }) : { price: s.price };
    out.push(alertRisk(decide(s, portfolio, market, config.risk)));
  }
  return out;
}
