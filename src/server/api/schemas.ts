/** JSON schemas shared by the API routes: paging, time filters and the page envelope. */
import { InputError } from '../../core/errors.js';
import { parseTime } from '../../core/time.js';

export const num = { type: 'number' } as const;
export const int = { type: 'integer' } as const;
export const str = { type: 'string' } as const;
export const numOrNull = { type: ['number', 'null'] } as const;
export const strOrNull = { type: ['string', 'null'] } as const;
export const anyObject = { type: 'object', additionalProperties: true } as const;

const timeParam = { type: 'string', minLength: 1, description: 'epoch ms, or ISO 8601 (2024-01-01, 2024-01-01T12:00:00Z)' };

/** Query schema with limit/offset (and optionally from/to) plus route-specific filters; unknown keys are a 400. */
export function pagingQuery(props: Record<string, unknown> = {}, opts: { maxLimit?: number; defaultLimit?: number; time?: boolean; required?: string[] } = {}) {
  return {
    type: 'object',
    additionalProperties: false,
    required: opts.required ?? [],
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: opts.maxLimit ?? 1000, default: opts.defaultLimit ?? 50, description: 'items per page' },
      offset: { type: 'integer', minimum: 0, default: 0, description: 'items to skip' },
      ...(opts.time === false ? {} : { from: timeParam, to: timeParam }),
      ...props,
    },
  };
}

export function page(item: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: { items: { type: 'array', items: item }, total: int, limit: int, offset: int, ...extra },
  };
}

export const errorSchema = {
  type: 'object',
  properties: { error: str, message: str, code: str },
};

export interface PagingInput {
  limit: number;
  offset: number;
  from?: string;
  to?: string;
}

/** Reads the from/to filters; a bad time or an inverted range is a 400 naming the field. */
export function timeRange(q: { from?: string; to?: string }): { from?: number; to?: number } {
  const from = q.from === undefined ? undefined : parseTime(q.from, 'from');
  const to = q.to === undefined ? undefined : parseTime(q.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new InputError('E_RANGE', `from (${q.from}) is after to (${q.to})`);
  }
  return { from, to };
}

export const symbolParam = { type: 'string', minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9]+/[A-Za-z0-9]+$', description: 'unified symbol, e.g. BTC/USDT' };
export const strategyParam = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' };
