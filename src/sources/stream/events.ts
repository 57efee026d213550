/**
 * Binance combined-stream frames (`{"stream": "btcusdt@kline_15m", "data": {...}}`) read into typed events. A frame
 * that is not JSON, not a combined-stream envelope, or whose payload lacks the fields of its stream type is an
 * error naming what is wrong: the connection then treats the socket as broken (see connection.ts).
 */
import { InputError } from '../../core/errors.js';
import type { Candle } from '../../core/types.js';

export type StreamEvent =
  | { kind: 'kline'; id: string; interval: string; closed: boolean; candle: Candle; eventTime: number }
  | { kind: 'trade'; id: string; price: number; ts: number }
  | { kind: 'bookTicker'; id: string; bid: number; bidQty: number; ask: number; askQty: number }
  | { kind: 'depth'; id: string; ts: number; bids: [number, number][]; asks: [number, number][] }
  | { kind: 'markPrice'; id: string; ts: number; markPrice: number; fundingRate: number; nextFundingTime: number };

type Raw = Record<string, unknown>;

function bad(stream: string, what: string): never {
  throw new InputError('E_STREAM_FRAME', `stream frame ${stream ? `of ${stream} ` : ''}is malformed: ${what}`);
}

function num(v: unknown, stream: string, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) bad(stream, `${field} is ${JSON.stringify(v)}, not a number`);
  return n;
}

function levels(v: unknown, stream: string, field: string): [number, number][] {
  if (!Array.isArray(v)) bad(stream, `${field} is not a list of levels`);
  return v.map((l, i) => {
    if (!Array.isArray(l) || l.length < 2) bad(stream, `${field}[${i}] is not [price, quantity]`);
    return [num(l[0], stream, `${field}[${i}] price`), num(l[1], stream, `${field}[${i}] quantity`)];
  });
}

/** The upper-case market id (`BTCUSDT`) a stream name starts with. */
function idOf(stream: string): string {
  return stream.slice(0, stream.indexOf('@')).toUpperCase();
}

/** One frame's text to its event; throws InputError on anything Binance would not send. */
export function parseFrame(text: string): StreamEvent {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return bad('', `not JSON (${JSON.stringify(text.slice(0, 40))})`);
  }
  if (typeof frame !== 'object' || frame === null) return bad('', 'not an object');
  const { stream, data } = frame as { stream?: unknown; data?: unknown };
  if (typeof stream !== 'string' || !stream.includes('@')) return bad('', 'no "stream" name');
  if (typeof data !== 'object' || data === null) return bad(stream, 'no "data" object');
  const d = data as Raw;
  const type = stream.slice(stream.indexOf('@') + 1);
  const id = idOf(stream);
  if (type.startsWith('kline_')) {
    const k = d.k as Raw | undefined;
    if (typeof k !== 'object' || k === null) return bad(stream, 'no "k" object');
    if (typeof k.x !== 'boolean') return bad(stream, 'k.x (closed flag) is not a boolean');
    const candle = { ts: num(k.t, stream, 'k.t'), open: num(k.o, stream, 'k.o'), high: num(k.h, stream, 'k.h'), low: num(k.l, stream, 'k.l'), close: num(k.c, stream, 'k.c'), volume: num(k.v, stream, 'k.v') };
    return { kind: 'kline', id, interval: String(k.i ?? type.slice(6)), closed: k.x, candle, eventTime: num(d.E, stream, 'E') };
  }
  if (type === 'aggTrade' || type === 'trade') return { kind: 'trade', id, price: num(d.p, stream, 'p'), ts: num(d.T, stream, 'T') };
  if (type === 'bookTicker') return { kind: 'bookTicker', id, bid: num(d.b, stream, 'b'), bidQty: num(d.B, stream, 'B'), ask: num(d.a, stream, 'a'), askQty: num(d.A, stream, 'A') };
  if (type.startsWith('depth')) {
    // USD-M partial depth: a depthUpdate carrying the top N levels (b/a); spot's partial depth says bids/asks.
    const ts = d.T !== undefined ? num(d.T, stream, 'T') : d.E !== undefined ? num(d.E, stream, 'E') : Number.NaN;
    return { kind: 'depth', id, ts, bids: levels(d.b ?? d.bids, stream, 'b'), asks: levels(d.a ?? d.asks, stream, 'a') };
  }
  if (type.startsWith('markPrice')) {
    return { kind: 'markPrice', id, ts: num(d.E, stream, 'E'), markPrice: num(d.p, stream, 'p'), fundingRate: num(d.r, stream, 'r'), nextFundingTime: num(d.T, stream, 'T') };
  }
  return bad(stream, `unknown stream type "${type}"`);
}
