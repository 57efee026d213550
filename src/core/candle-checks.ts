import type { Candle } from './types.js';

/**
 * Why a candle cannot be stored, or null when it is sound (SPEC §4): prices positive and finite, volume finite
 * and non-negative, high at least max(open, close), low at most min(open, close), ts on the timeframe grid.
 * Shared by file imports and every API source.
 */
export function candleProblem(c: Candle, stepMs?: number): string | null {
  if (!Number.isFinite(c.ts)) return 'timestamp is not a number';
  if (stepMs !== undefined && c.ts % stepMs !== 0) return `timestamp ${new Date(c.ts).toISOString()} is off the ${stepMs / 60000}m grid`;
  if (!(Number.isFinite(c.open) && Number.isFinite(c.high) && Number.isFinite(c.low) && Number.isFinite(c.close))) return 'a price is missing or not a number';
  if (c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0) return 'non-positive price';
  if (!Number.isFinite(c.volume)) return 'volume is missing or not a number';
  if (c.volume < 0) return 'negative volume';
  if (c.high < Math.max(c.open, c.close)) return `high ${c.high} below max(open, close) ${Math.max(c.open, c.close)}`;
  if (c.low > Math.min(c.open, c.close)) return `low ${c.low} above min(open, close) ${Math.min(c.open, c.close)}`;
  return null;
}
