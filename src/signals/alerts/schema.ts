/**
 * The alert file format `mts.alert/v1` (SPEC §8): a superset of the original's fields, validated with zod.
 * Every number must be finite and within sane bounds: an alert is read by other programs (the paper trader,
 * users' scripts) that must never see NaN, Infinity or a price of 1e308.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assetInfo, normalizeSymbol } from '../../core/assets.js';
import { InputError } from '../../core/errors.js';
import type { Signal } from '../../core/types.js';
import type { StoredAlert } from '../../storage/repos/signals.js';

export const ALERT_SCHEMA = 'mts.alert/v1';

/** 2009-01-03 (the first bitcoin block) .. 2100-01-01: anything outside is a unit mistake (s vs ms) or garbage. */
const MIN_TS = Date.UTC(2009, 0, 3);
const MAX_TS = Date.UTC(2100, 0, 1);
const MAX_PRICE = 1e12;

const price = z.number().positive().max(MAX_PRICE);
const optionalLevel = price.nullable();

export const riskSchema = z.strictObject({
  level: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  approved: z.boolean(),
  reasons: z.array(z.string()),
  /** The weighted risk score behind the level (0..1 scale of the level thresholds). */
  score: z.number().finite().min(0).optional(),
  /** Limits at 80% or more of their bound. */
  warnings: z.array(z.string()).optional(),
});

const common = {
  schema: z.literal(ALERT_SCHEMA),
  id: z.uuid(),
  timestamp: z.number().int().min(MIN_TS, 'milliseconds since 1970 (after 2009)').max(MAX_TS, 'milliseconds since 1970 (before 2100)'),
  asset: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a CoinGecko id such as bitcoin'),
  symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'BASE/QUOTE such as BTC/USDT'),
  signal_type: z.enum(['LONG', 'SHORT', 'CLOSE']),
  direction: z.enum(['BUY', 'SELL']),
  price,
  confidence: z.number().min(0).max(1),
  signal_strength: z.enum(['WEAK', 'MODERATE', 'STRONG']),
  strategy_name: z.string().min(1),
  position_size: z.number().min(0).max(100),
  stop_loss: optionalLevel,
  take_profit: optionalLevel,
  risk: riskSchema.optional(),
  analysis_data: z.record(z.string(), z.unknown()).default({}),
  correlation_value: z.number().min(-1).max(1).nullable().optional(),
};

export const tradingSignalAlertSchema = z.looseObject({ ...common, alert_type: z.literal('trading_signal') });

export const POSITION_DIRECTIONS = ['STRONG_BUY', 'BUY', 'NEUTRAL', 'SELL', 'STRONG_SELL'] as const;

export const volatilitySpikeAlertSchema = z.looseObject({
  ...common,
  alert_type: z.literal('volatility_spike'),
  volatility_value: z.number().min(0).max(1e6),
  volatility_threshold: z.number().min(0).max(1e6),
  volatility_percentile: z.number().min(0).max(100),
  position_direction: z.enum(POSITION_DIRECTIONS),
  threshold_exceeded: z.boolean(),
});

/** The v1 validator: a union on alert_type; unknown extra fields are kept (a superset may grow). */
export const alertSchema = z
  .discriminatedUnion('alert_type', [tradingSignalAlertSchema, volatilitySpikeAlertSchema])
  .superRefine((a, ctx) => {
    const known = assetInfo(a.symbol);
    if (known && known.coingeckoId !== a.asset) {
      ctx.addIssue({ code: 'custom', path: ['asset'], message: `is "${a.asset}" but ${a.symbol} is "${known.coingeckoId}"` });
    }
    const expected = directionOf(a.signal_type, a.direction);
    if (expected !== a.direction) {
      ctx.addIssue({ code: 'custom', path: ['direction'], message: `${a.direction} does not match signal_type ${a.signal_type}` });
    }
  });

export type Alert = z.output<typeof alertSchema>;
export type TradingSignalAlert = z.output<typeof tradingSignalAlertSchema>;
export type VolatilitySpikeAlert = z.output<typeof volatilitySpikeAlertSchema>;
export type AlertRisk = z.output<typeof riskSchema>;

/** BUY opens or adds to a long, SELL opens a short; a CLOSE goes against the position it closes (either). */
function directionOf(side: 'LONG' | 'SHORT' | 'CLOSE', given: 'BUY' | 'SELL'): 'BUY' | 'SELL' {
  if (side === 'LONG') return 'BUY';
  if (side === 'SHORT') return 'SELL';
  return given;
}

/** One line per issue: `path: message`, the precise reason a reader reports. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validates a parsed object as an `mts.alert/v1` alert. */
export function validateAlert(value: unknown): { ok: true; alert: Alert } | { ok: false; reason: string } {
  const r = alertSchema.safeParse(value);
  return r.success ? { ok: true, alert: r.data } : { ok: false, reason: describeIssues(r.error) };
}

export interface AlertFromSignalOptions {
  /** Default: a random UUID. */
  id?: string;
  /** The risk verdict, when the risk module has checked the trade. */
  risk?: AlertRisk;
  /** For a CLOSE: the side of the position it closes (default LONG: closing a long sells). */
  closes?: 'LONG' | 'SHORT';
  /** Extra analysis (aggregation method, contributors, weights, conflicts); merged over signal.meta. */
  analysis?: Record<string, unknown>;
}

/**
 * Builds a v1 trading-signal alert from a signal (usually the aggregate). The asset is the CoinGecko id of the
 * symbol's base; an asset MTS has no CoinGecko id for gets a clear InputError rather than an alert nobody can
 * read back.
 */
export function alertFromSignal(signal: Signal, opts: AlertFromSignalOptions = {}): TradingSignalAlert {
  const info = assetInfo(signal.symbol);
  if (!info) throw new InputError('alert_asset', `alert: no CoinGecko id known for ${signal.symbol}`, { symbol: signal.symbol });
  const direction = signal.side === 'LONG' ? 'BUY' : signal.side === 'SHORT' ? 'SELL' : opts.closes === 'SHORT' ? 'BUY' : 'SELL';
  const body = {
    schema: ALERT_SCHEMA,
    id: opts.id ?? randomUUID(),
    timestamp: signal.ts,
    alert_type: 'trading_signal' as const,
    asset: info.coingeckoId,
    symbol: normalizeSymbol(signal.symbol),
    signal_type: signal.side,
    direction,
    price: signal.price,
    confidence: signal.confidence,
    signal_strength: signal.strength,
    strategy_name: signal.strategy,
    position_size: signal.size,
    stop_loss: signal.stopLoss,
    take_profit: signal.takeProfit,
    ...(opts.risk ? { risk: opts.risk } : {}),
    analysis_data: { ...(signal.meta ?? {}), ...(opts.analysis ?? {}) },
  };
  const r = tradingSignalAlertSchema.safeParse(body);
  if (!r.success) throw new InputError('alert_invalid', `alert for ${signal.strategy} ${signal.symbol}: ${describeIssues(r.error)}`);
  return r.data;
}

/** The row an alert is recorded as in the store (alerts table), with the file it was written to. */
export function storedAlert(alert: Alert, file: string | null): StoredAlert {
  return {
    id: alert.id,
    ts: alert.timestamp,
    symbol: alert.symbol,
    asset: alert.asset,
    alert_type: alert.alert_type,
    signal_type: alert.signal_type,
    confidence: alert.confidence,
    strategy_name: alert.strategy_name,
    file,
    body: alert as unknown as Record<string, unknown>,
  };
}
