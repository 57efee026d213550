/**
 * The guard in front of ccxt.pro's Binance handlers: every payload a stream socket delivers (raw `/ws` payloads:
 * no combined-stream envelope) is checked here before ccxt parses it. ccxt passes a frame that is not JSON on as a
 * string and reads missing fields as undefined, so a broken frame would otherwise vanish or store garbage; here it
 * is an error naming what is wrong, and the stream replaces the socket and repairs the gap (market-stream.ts).
 */
import { InputError } from '../../core/errors.js';

export type FrameKind = 'kline' | 'trade' | 'bookTicker' | 'depth' | 'markPrice' | 'control';

type Raw = Record<string, unknown>;

function bad(what: string): never {
  throw new InputError('E_STREAM_FRAME', `stream frame is malformed: ${what}`);
}

function num(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) bad(`${field} is ${JSON.stringify(v)}, not a number`);
  return n;
}

function levels(v: unknown, field: string): void {
  if (!Array.isArray(v)) bad(`${field} is not a list of levels`);
  v.forEach((l, i) => {
    if (!Array.isArray(l) || l.length < 2) bad(`${field}[${i}] is not [price, quantity]`);
    num(l[0], `${field}[${i}] price`);
    num(l[1], `${field}[${i}] quantity`);
  });
}

function symbolOf(d: Raw, field = 's'): void {
  if (typeof d[field] !== 'string' || d[field] === '') bad(`${field} (market id) is missing`);
}

/** Checks one payload as ccxt received it (already JSON-parsed, or the raw text when that failed); returns its kind. */
export function checkFrame(message: unknown): FrameKind {
  if (typeof message === 'string') bad(`not JSON (${JSON.stringify(message.slice(0, 40))})`);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) bad('not a JSON object');
  const d = message as Raw;
  // subscription acks ({"result": null, "id": 1}) and errors ({"error": {...}, "id": 1}): ccxt handles them
  if ('id' in d && ('result' in d || 'error' in d)) return 'control';
  const e = d.e;
  if (e === 'kline') {
    const k = d.k as Raw | undefined;
    if (typeof k !== 'object' || k === null) bad('kline without a "k" object');
    symbolOf(k);
    if (typeof k.i !== 'string') bad('k.i (interval) is missing');
    if (typeof k.x !== 'boolean') bad('k.x (closed flag) is not a boolean');
    for (const f of ['t', 'o', 'h', 'l', 'c', 'v']) num(k[f], `k.${f}`);
    num(d.E, 'E');
    return 'kline';
  }
  if (e === 'aggTrade' || e === 'trade') {
    symbolOf(d);
    num(d.p, 'p');
    num(d.q, 'q');
    num(d.T, 'T');
    return 'trade';
  }
  if (e === 'depthUpdate') {
    symbolOf(d);
    num(d.U, 'U');
    num(d.u, 'u');
    levels(d.b, 'b');
    levels(d.a, 'a');
    return 'depth';
  }
  if (e === 'markPriceUpdate') {
    symbolOf(d);
    for (const f of ['E', 'p', 'r', 'T']) num(d[f], f);
    return 'markPrice';
  }
  if (e === undefined && 'u' in d && 'b' in d && 'a' in d) {
    // spot bookTicker: the one payload without an event type
    symbolOf(d);
    for (const f of ['b', 'B', 'a', 'A']) num(d[f], f);
    return 'bookTicker';
  }
  return bad(`unknown event ${JSON.stringify(e)}`);
}
