import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Candle } from '../../src/core/types.js';

const fix = (n: number) => n.toFixed(8);

interface Client {
  ws: WebSocket;
  streams: Set<string>;
  /** A muted client stays connected but is sent nothing (a stream that goes silent without closing). */
  muted: boolean;
}

/**
 * Fake Binance WebSocket server: combined streams (`/stream?streams=a/b/c`, each frame `{"stream", "data"}`) with the
 * real payloads of kline (`k` with the `x` closed flag), aggTrade, bookTicker, USD-M partial depth (`depthUpdate`)
 * and `markPriceUpdate`. Time is the replay's (`now`), moved by the test; frames go only to clients subscribed to
 * their stream. Faults: drop every socket, send a garbage frame, or go silent without closing.
 */
export class FakeBinanceWs {
  readonly clients = new Set<Client>();
  /** Every connection ever accepted, with the streams it asked for. */
  readonly connections: string[][] = [];
  now = 0;
  url = '';
  private server?: WebSocketServer;
  private waiters: { n: number; resolve: () => void }[] = [];
  private readonly lastFrames = new Map<string, string>();
  private keepAliveTimer?: NodeJS.Timeout;
  private closing = false;

  async start(): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server = server;
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (ws, req) => {
      if (this.closing) return ws.terminate();
      const u = new URL(req.url ?? '/', 'http://fake');
      if (u.pathname !== '/stream') return ws.close(1008, `no route ${u.pathname}`);
      const streams = (u.searchParams.get('streams') ?? '').split('/').filter(Boolean);
      const client: Client = { ws, streams: new Set(streams), muted: false };
      this.clients.add(client);
      this.connections.push(streams);
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => this.clients.delete(client));
      const due = this.waiters.filter((w) => this.connections.length >= w.n);
      this.waiters = this.waiters.filter((w) => this.connections.length < w.n);
      for (const w of due) w.resolve();
    });
    return this;
  }

  /**
   * Resends the latest top-of-book and depth frames every `ms`, as the real streams never pause on a liquid pair
   * (Binance pushes bookTicker on every change): the client's staleness watch then fires only on a real fault.
   */
  keepAlive(ms: number): this {
    this.keepAliveTimer = setInterval(() => {
      for (const [stream, text] of this.lastFrames) {
        if (!stream.endsWith('@bookTicker') && !stream.includes('@depth')) continue;
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
    if (this.connections.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  send(stream: string, data: unknown): void {
    const text = JSON.stringify({ stream, data });
    this.lastFrames.set(stream, text);
    for (const c of this.clients) if (!c.muted && c.streams.has(stream)) c.ws.send(text);
  }

  /** The server drops every socket at once (no close frame). */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  garbage(text = '{"stream":"btcusdt@kline_15m","data":{"e":"kline","k":{"t":17'): void {
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

  /** USD-M partial depth: the top `levels` levels each side around `mid`. */
  depth(id: string, levels: 5 | 10 | 20, mid: number): void {
    const side = (sign: number) => Array.from({ length: levels }, (_, i) => [fix(mid * (1 + sign * (i + 1) * 1e-4)), fix(1 + (i % 3))]);
    this.send(`${id.toLowerCase()}@depth${levels}@500ms`, { e: 'depthUpdate', E: this.now, T: this.now, s: id, U: 1, u: 2, pu: 0, b: side(-1), a: side(1) });
  }

  markPrice(id: string, mark: number, fundingRate: number, nextFundingTime: number): void {
    this.send(`${id.toLowerCase()}@markPrice@1s`, { e: 'markPriceUpdate', E: this.now, s: id, p: fix(mark), i: fix(mark), P: fix(mark), r: fix(fundingRate), T: nextFundingTime });
  }
}
