/**
 * What the paper trader acts on: one trading intention taken from an alert. Alerts are read and validated by the
 * signals module's reader (mts.alert/v1 and the original's legacy files); `intentFromAlert` adds what trading needs
 * on top — a known, enabled market, a usable side, finite numbers in range — and says exactly what is wrong otherwise.
 */
import { assetByCoingeckoId, assetInfo, normalizeSymbol } from '../core/assets.js';
import type { SignalSide } from '../core/types.js';

export interface PaperIntent {
  /** The alert id (the reader gives legacy files one derived from their name and content). */
  id: string;
  /** The alert's timestamp (epoch ms). */
  ts: number;
  symbol: string;
  side: SignalSide;
  confidence: number;
  /** The price the alert was raised at (for the record; fills use the engine's own latest price). */
  price: number;
  /** Fraction of equity the alert suggests. */
  size: number;
  stopLoss: number | null;
  takeProfit: number | null;
  strategy: string;
}

/** The alert fields the paper trader reads (SPEC §8; legacy files have the same names without schema and id). */
export interface AlertFields {
  id?: unknown;
  timestamp?: unknown;
  alert_type?: unknown;
  asset?: unknown;
  symbol?: unknown;
  signal_type?: unknown;
  direction?: unknown;
  position_direction?: unknown;
  price?: unknown;
  current_price?: unknown;
  confidence?: unknown;
  strategy_name?: unknown;
  position_size?: unknown;
  stop_loss?: unknown;
  take_profit?: unknown;
}

export type IntentResult = { ok: true; intent: PaperIntent } | { ok: false; reason: string };

/** Alerts cannot be older than MTS's data nor later than this (a timestamp in seconds, or garbage, is caught here). */
const MIN_TS = Date.UTC(2009, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

function sideOf(a: AlertFields): SignalSide | string {
  const raw = [a.signal_type, a.direction, a.position_direction].find((v) => typeof v === 'string') as string | undefined;
  if (raw === undefined) return 'no signal_type, direction or position_direction';
  const v = raw.toUpperCase();
  if (v === 'LONG' || v === 'BUY' || v === 'STRONG_BUY') return 'LONG';
  if (v === 'SHORT' || v === 'SELL' || v === 'STRONG_SELL') return 'SHORT';
  if (v === 'CLOSE' || v === 'EXIT' || v === 'FLAT') return 'CLOSE';
  return `side "${raw.slice(0, 40)}" is not LONG, SHORT or CLOSE`;
}

function symbolOf(a: AlertFields, enabled: readonly string[]): string | { reason: string } {
  const raw = typeof a.symbol === 'string' ? a.symbol : typeof a.asset === 'string' ? a.asset : undefined;
  if (raw === undefined) return { reason: 'no symbol or asset' };
  const byId = typeof a.asset === 'string' ? assetByCoingeckoId(a.asset) : undefined;
  let symbol: string;
  try {
    symbol = typeof a.symbol === 'string' ? normalizeSymbol(a.symbol) : (byId?.symbol ?? normalizeSymbol(raw));
  } catch {
    return { reason: `unknown asset "${raw.slice(0, 60)}"` };
  }
  if (!enabled.includes(symbol) && !assetInfo(symbol)) return { reason: `unknown asset "${raw.slice(0, 60)}"` };
  return symbol;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function optionalLevel(v: unknown, name: string): number | null | string {
  if (v === undefined || v === null) return null;
  if (!finite(v) || v <= 0) return `${name} ${JSON.stringify(v)} is not a positive number`;
  return v;
}

/** Turns a validated alert into a trading intention, or says why it cannot trade. */
export function intentFromAlert(a: AlertFields, enabled: readonly string[]): IntentResult {
  const fail = (reason: string): IntentResult => ({ ok: false, reason });
  const id = a.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || !/^[\w.:-]+$/.test(id)) return fail(`id ${JSON.stringify(id)?.slice(0, 60)} is not an alert id`);
  if (!finite(a.timestamp) || !Number.isInteger(a.timestamp) || a.timestamp < MIN_TS || a.timestamp > MAX_TS) {
    return fail(`timestamp ${JSON.stringify(a.timestamp)?.slice(0, 40)} is not epoch milliseconds between 2009 and 2200`);
  }
  const symbol = symbolOf(a, enabled);
  if (typeof symbol !== 'string') return fail(symbol.reason);
  const side = sideOf(a);
  if (side !== 'LONG' && side !== 'SHORT' && side !== 'CLOSE') return fail(side);
  const price = a.price ?? a.current_price;
  if (!finite(price) || price <= 0) return fail(`price ${JSON.stringify(price)?.slice(0, 40)} is not a positive number`);
  if (!finite(a.confidence) || a.confidence < 0 || a.confidence > 1) return fail(`confidence ${JSON.stringify(a.confidence)?.slice(0, 40)} is not between 0 and 1`);
  const size = a.position_size ?? 0;
  if (!finite(size) || size < 0) return fail(`position_size ${JSON.stringify(size)?.slice(0, 40)} is not a non-negative number`);
  const stopLoss = optionalLevel(a.stop_loss, 'stop_loss');
  if (typeof stopLoss === 'string') return fail(stopLoss);
  const takeProfit = optionalLevel(a.take_profit, 'take_profit');
  if (typeof takeProfit === 'string') return fail(takeProfit);
  const strategy = typeof a.strategy_name === 'string' && a.strategy_name.length > 0 ? a.strategy_name.slice(0, 100) : 'unknown';
  return { ok: true, intent: { id, ts: a.timestamp, symbol, side, confidence: a.confidence, price, size, stopLoss, takeProfit, strategy } };
}
