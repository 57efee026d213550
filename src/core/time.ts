import { InputError } from './errors.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Candle timeframes MTS understands, with their length in milliseconds. */
export const TIMEFRAMES = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': HOUR_MS,
  '4h': 4 * HOUR_MS,
  '1d': DAY_MS,
} as const;

export type Timeframe = keyof typeof TIMEFRAMES;
export const TIMEFRAME_NAMES = Object.keys(TIMEFRAMES) as Timeframe[];

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && Object.hasOwn(TIMEFRAMES, value);
}

/** Validates a user-given timeframe, naming the allowed ones when it is wrong. */
export function parseTimeframe(value: string, field = 'timeframe'): Timeframe {
  if (isTimeframe(value)) return value;
  throw new InputError('E_TIMEFRAME', `${field}: unknown timeframe "${value}"; allowed: ${TIMEFRAME_NAMES.join(', ')}`);
}

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAMES[tf];
}

/** Start of the grid cell that contains ts (a candle's open time). */
export function floorToGrid(ts: number, tf: Timeframe | number): number {
  const step = typeof tf === 'number' ? tf : TIMEFRAMES[tf];
  return Math.floor(ts / step) * step;
}

export function isOnGrid(ts: number, tf: Timeframe | number): boolean {
  const step = typeof tf === 'number' ? tf : TIMEFRAMES[tf];
  return ts % step === 0;
}

/** 00:00 UTC of the day containing ts. */
export function utcDay(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };

/** Parses "500ms", "30s", "15m", "1h", "7d", "2w" into milliseconds. */
export function parseDuration(value: string | number, field = 'duration'): number {
  if (typeof value === 'number') return value;
  const m = DURATION_RE.exec(value.trim());
  if (!m) throw new InputError('E_DURATION', `${field}: cannot read duration "${value}"; use e.g. 30s, 15m, 1h, 7d`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
}

const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/;
const SQL_TIME_RE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a point in time as UTC epoch ms: epoch ms or s (numbers or digit strings), `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS][+00:00]` or ISO 8601. Times without a zone are UTC. Returns NaN when unreadable.
 */
export function parseTimeLoose(value: string | number): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  const s = value.trim();
  if (s === '') return Number.NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // seconds until the year 5138, ms after: 1e11 s is far in the future, 1e11 ms is 1973
    return n < 1e11 ? n * 1000 : n;
  }
  if (DATE_ONLY_RE.test(s)) return Date.parse(`${s}T00:00:00Z`);
  const m = SQL_TIME_RE.exec(s);
  if (m) {
    const zone = m[3] ? (m[3] === 'Z' ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3]) : 'Z';
    const time = m[2].length === 5 ? `${m[2]}:00` : m[2];
    return Date.parse(`${m[1]}T${time}${zone}`);
  }
  return Date.parse(s);
}

/** Like parseTimeLoose but throws an InputError naming the field. */
export function parseTime(value: string | number, field = 'time'): number {
  const t = parseTimeLoose(value);
  if (!Number.isFinite(t)) {
    throw new InputError('E_TIME', `${field}: cannot read time "${value}"; use ISO 8601 (2024-01-01 or 2024-01-01T12:00:00Z) or epoch ms`);
  }
  return t;
}

export function isoTime(ts: number): string {
  return new Date(ts).toISOString();
}

/** `YYYY-MM-DD` of a UTC epoch ms. */
export function isoDate(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
