/**
 * The original system's alert files (ORIGINAL.md "Alerts"): `signal_alert_{asset}_{YYYYmmdd_HHMMSS}.json`
 * without `schema`, `id` or `symbol`; volatility alerts carry `current_price` and `position_direction`.
 * Python's json module also wrote NaN and Infinity, which are not JSON. This module lifts such a file into a v1
 * object (then validated like any other), or says precisely why it cannot.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { assetByCoingeckoId } from '../../core/assets.js';
import { ALERT_SCHEMA } from './schema.js';

type Lifted = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** A UUID-shaped id (version 5 layout) from the file name and its content: the same file always gets the same id. */
export function legacyAlertId(fileName: string, content: string): string {
  const h = createHash('sha256').update(path.basename(fileName)).update('\0').update(content).digest('hex');
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Replaces the bare NaN / Infinity / -Infinity tokens Python writes (outside strings) by null. */
export function replacePythonNonFinite(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (m) => (m.startsWith('"') ? m : 'null'));
}

const FILE_TIME = /_(\d{8})_(\d{6})(?:_[0-9a-f]{8})?\.json$/;

function timeFromFileName(fileName: string): number | undefined {
  const m = FILE_TIME.exec(path.basename(fileName));
  if (!m) return undefined;
  const [d, t] = [m[1], m[2]];
  const ts = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6));
  return Number.isFinite(ts) ? ts : undefined;
}

const DIRECTIONS: Record<string, { side: 'LONG' | 'SHORT'; direction: 'BUY' | 'SELL'; strength: 'STRONG' | 'MODERATE' }> = {
  STRONG_BUY: { side: 'LONG', direction: 'BUY', strength: 'STRONG' },
  BUY: { side: 'LONG', direction: 'BUY', strength: 'MODERATE' },
  SELL: { side: 'SHORT', direction: 'SELL', strength: 'MODERATE' },
  STRONG_SELL: { side: 'SHORT', direction: 'SELL', strength: 'STRONG' },
};

/** Lifts a parsed legacy object into a v1-shaped object (not yet validated). */
export function liftLegacy(raw: Record<string, unknown>, fileName: string, content: string): Lifted {
  const type = raw.alert_type ?? 'trading_signal';
  if (type !== 'trading_signal' && type !== 'volatility_spike') return { ok: false, reason: `alert_type: unknown "${String(type)}" (trading_signal or volatility_spike)` };
  if (typeof raw.asset !== 'string' || raw.asset === '') return { ok: false, reason: 'asset: missing (a CoinGecko id such as bitcoin)' };
  const info = assetByCoingeckoId(raw.asset);
  if (!info) return { ok: false, reason: `asset: unknown CoinGecko id "${raw.asset}"` };
  let timestamp = raw.timestamp ?? timeFromFileName(fileName);
  if (typeof timestamp === 'string') timestamp = Date.parse(timestamp);
  // The original wrote ms; a value this small is seconds.
  if (typeof timestamp === 'number' && timestamp > 0 && timestamp < 1e11) timestamp *= 1000;
  const out: Record<string, unknown> = {
    ...raw,
    schema: ALERT_SCHEMA,
    id: legacyAlertId(fileName, content),
    alert_type: type,
    timestamp,
    symbol: info.symbol,
    analysis_data: raw.analysis_data ?? {},
  };
  if (type === 'volatility_spike') {
    const dir = DIRECTIONS[String(raw.position_direction)];
    out.price = raw.price ?? raw.current_price;
    if (dir) {
      out.signal_type ??= dir.side;
      out.direction ??= dir.direction;
      out.signal_strength ??= dir.strength;
    } else if (raw.signal_type === undefined) {
      return { ok: false, reason: `position_direction: "${String(raw.position_direction)}" gives no trade direction (STRONG_BUY, BUY, SELL or STRONG_SELL)` };
    }
    out.strategy_name ??= 'volatility';
    if (out.confidence === undefined && typeof raw.volatility_percentile === 'number') out.confidence = Math.min(1, Math.max(0, raw.volatility_percentile / 100));
    out.position_size ??= 0;
  }
  out.stop_loss ??= null;
  out.take_profit ??= null;
  return { ok: true, value: out };
}
