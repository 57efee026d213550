import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Candle } from '../../src/core/types.js';

const fix = (n: number) => n.toFixed(8);

interface Client {
  ws: WebSocket;
  path: string;
  streams: Set<string>;
  /** A muted client stays connected but is sent nothing (a stream that goes silent without closing). */
  muted: boolean;
}

/** A fake order book of one USD-M symbol: its levels and the id of the last update sent. */
interface Book {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

/**
 * Fake Binance WebSocket server, speaking what ccxt.pro sends and expects: raw streams on `/ws/<n>` (spot) or, for
 * USD-M, `/public/ws/<n>` and `/market/ws/<n>`; `{"method":"SUBSCRIBE","params":[...],"id":n}` answered with
 * `{"result":null,"id":n}` (likewise UNSUBSCRIBE and LIST_SUBSCRIPTIONS); payloads as Binance sends them: kline
 * (`k` with the `x` closed flag), aggTrade, bookTicker, USD-M diff depth (`depthUpdate` with `U`/`u`/`pu` in
 * sequence, its REST snapshot from `depthSnapshot`, which the fake REST serves) and `markPriceUpdate`. Time is the
 * replay's (`now`), moved by the test; frames go only to clients subscribed to their stream. Faults: drop every
 * socket, send a garbage frame, or go silent without closing.
 */
export class FakeBinanceWs {
  readonly clients = new Set<Client>();
  /** Every connection ever accepted, by path. */
  readonly connections: string[] = [];
  /** Every SUBSCRIBE received: the path of its socket and its streams. */
  readonly subscriptions: { path: string; streams: string[] }[] = [];
  now = 0;
  url = '';
  private server?: WebSocketServer;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private readonly lastFrames = new Map<string, string>();
  private readonly books = new Map<string, Book>();
  private keepAliveTimer?: NodeJS.Timeout;
  private closing = false;

  async start(): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server = server;
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (ws, req) => {
      if (this.closing) return ws.terminate();
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (!/^(\/public|\/market)?\/ws(\/\d+)?$/.test(path)) return ws.close(1008, `no route ${path}`);
      const client: Client = { ws, path, streams: new Set(), muted: false };
      this.clients.add(client);
      this.connections.push(path);
      ws.on('message', (data) => this.request(client, data.toString()));
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => this.clients.delete(client));
      this.wake();
    });
    return this;
  }

  private request(c: Client, text: string): void {
    let m: { method?: string; params?: unknown; id?: unknown };
    try {
      m = JSON.parse(text);
    } catch {
      c.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' } }));
      return;
    }
    const params = Array.isArray(m.params) ? m.params.map(String) : [];
    if (m.method === 'SUBSCRIBE') {
      for (const s of params) c.streams.add(s);
      this.subscriptions.push({ path: c.path, streams: params });
      c.ws.send(JSON.stringify({ result: null, id: m.id }));
      this.wake();
    } else if (m.method === 'UNSUBSCRIBE') {
      for (const s of params) c.streams.delete(s);
      c.ws.send(JSON.stringify({ result: null, id: m.id }));
    } else if (m.method === 'LIST_SUBSCRIPTIONS') {
      c.ws.send(JSON.stringify({ result: [...c.streams], id: m.id }));
    } else {
      c.ws.send(JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method ${m.method}` }, id: m.id }));
    }
  }

  private wake(): void {
    const due = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
  }

  private until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /**
   * Resends the latest top-of-book, depth and mark-price frames every `ms`, as the real streams never pause on a
   * liquid pair (Binance pushes bookTicker on every change, mark price every second): the client's staleness watch
   * then fires only on a real fault.
   */
  keepAlive(ms: number): this {
    this.keepAliveTimer = setInterval(() => {
      for (const [stream, text] of this.lastFrames) {
        if (!stream.endsWith('@bookTicker') && !stream.includes('@depth') && !stream.includes('@markPrice')) continue;
        for (const c of this.clients) if (!c.muted && c.streams.has(stream)) c.ws.send(text);
      }
    }, ms);
    this.keepAliveTimer.unref();
    return this;
  }

  async close(): Promise<void> {
    clearInterval(this.keepAliveTimer);
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const c of this.server?.clients ?? []) c.terminate();
    this.clients.clear();
    await closed;
  }

  /** Resolves once `n` connections have been accepted in all. */
  connectionCount(n: number): Promise<void> {
    return this.until(() => this.connections.length >= n);
  }

  /** Resolves once a live (unmuted) client is subscribed to `stream`. */
  subscribed(stream: string): Promise<void> {
    return this.until(() => [...this.clients].some((c) => !c.muted && c.streams.has(stream)));
  }

  send(stream: string, data: unknown): void {
    const text = JSON.stringify(data);
    this.lastFrames.set(stream, text);
    for (const c of this.clients) if (!c.muted && c.streams.has(stream)) c.ws.send(text);
  }

  /** The server drops every socket at once (no close frame). */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  /** A frame cut short: not JSON. */
  garbage(text = '{"e":"kline","E":1747030500000,"s":"BTCUSDT","k":{"t":17'): void {
    for (const c of this.clients) if (!c.muted) c.ws.send(text);
  }

  /** Current clients stop receiving anything; their sockets stay open. */
  muteAll(): void {
    for (const c of this.clients) c.muted = true;
  }

  /** A kline frame: `candle` as it stands (partial while open), closed when `closed`. */
  kline(id: string, interval: string, stepMs: number, candle: Candle, closed: boolean): void {
    const k = {
      t: candle.ts,
      T: candle.ts + stepMs - 1,
      s: id,
      i: interval,
      f: 100,
      L: 200,
      o: fix(candle.open),
      c: fix(candle.close),
      h: fix(candle.high),
      l: fix(candle.low),
      v: fix(candle.volume),
      n: 100,
      x: closed,
      q: fix(candle.volume * candle.close),
      V: fix(candle.volume / 2),
      Q: fix((candle.volume / 2) * candle.close),
      B: '0',
    };
    this.send(`${id.toLowerCase()}@kline_${interval}`, { e: 'kline', E: this.now, s: id, k });
  }

  aggTrade(id: string, price: number, qty = 0.01): void {
    this.send(`${id.toLowerCase()}@aggTrade`, { e: 'aggTrade', E: this.now, s: id, a: this.now, p: fix(price), q: fix(qty), f: 1, l: 1, T: this.now, m: false, M: true });
  }

  bookTicker(id: string, bid: number, ask: number): void {
    this.send(`${id.toLowerCase()}@bookTicker`, { u: this.now, s: id, b: fix(bid), B: '1.00000000', a: fix(ask), A: '2.00000000' });
  }

  /**
   * USD-M diff depth: the book becomes `levels` levels each side around `mid`; the update carries the new levels
   * and a zero quantity for every old level no longer there, numbered after the last update (`pu` = its `u`).
   */
  depth(id: string, levels: number, mid: number): void {
    const side = (sign: number) => Array.from({ length: levels }, (_, i) => [fix(mid * (1 + sign * (i + 1) * 1e-4)), fix(1 + (i % 3))] as [string, string]);
    const prev = this.book(id);
    const bids = side(-1);
    const asks = side(1);
    const diff = (old: [string, string][], now: [string, string][]) => [...now, ...old.filter(([p]) => !now.some(([q]) => q === p)).map(([p]) => [p, '0.00000000'])];
    const U = prev.lastUpdateId + 1;
    const u = prev.lastUpdateId + 3;
    const update = { e: 'depthUpdate', E: this.now, T: this.now, s: id, U, u, pu: prev.lastUpdateId, b: diff(prev.bids, bids), a: diff(prev.asks, asks) };
    this.books.set(id, { lastUpdateId: u, bids, asks });
    this.send(`${id.toLowerCase()}@depth@100ms`, update);
  }

  /** The REST depth snapshot consistent with the updates sent so far (`GET /fapi/v1/depth`). */
  depthSnapshot(id: string, limit: number): Record<string, unknown> {
    const b = this.book(id);
    return { lastUpdateId: b.lastUpdateId, E: this.now, T: this.now, bids: b.bids.slice(0, limit), asks: b.asks.slice(0, limit) };
  }

  private book(id: string): Book {
    let b = this.books.get(id);
    if (!b) {
      b = { lastUpdateId: 1_000_000, bids: [], asks: [] };
      this.books.set(id, b);
    }
    return b;
  }

  markPrice(id: string, mark: number, fundingRate: number, nextFundingTime: number): void {
    this.send(`${id.toLowerCase()}@markPrice@1s`, { e: 'markPriceUpdate', E: this.now, s: id, p: fix(mark), i: fix(mark), P: fix(mark), r: fix(fundingRate), T: nextFundingTime });
  }
}
