/**
 * One WebSocket to a combined-stream URL that keeps itself up: reconnects with exponential backoff after a close,
 * an error or a broken frame, and treats a socket silent for `staleAfterMs` as down (Binance streams major pairs
 * many times a second, so silence means a dead path even when no close ever arrives). Ages are wall-clock: they
 * measure the socket, not market time.
 */
import WebSocket from 'ws';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import { backoffDelay, type BackoffPolicy } from '../../scheduler/backoff.js';
import type { StreamMarket } from './plan.js';

export interface ConnectionOptions {
  market: StreamMarket;
  url: string;
  staleAfterMs: number;
  backoff: BackoffPolicy;
  log: Logger;
  /** Called on every open; `reconnect` is false only for the first. */
  onOpen(reconnect: boolean): void;
  /** Handles one text frame; throwing marks the frame broken and the socket is replaced. */
  onFrame(text: string, receivedAt: number): void;
  onDown?(reason: string): void;
}

export interface ConnectionFacts {
  market: StreamMarket;
  connected: boolean;
  /** Wall-clock ms since the last frame, or null before the first. */
  lastMessageAgeMs: number | null;
  reconnects: number;
  messages: number;
  badFrames: number;
  streams: number;
}

export class StreamConnection {
  connected = false;
  lastMessageAt: number | null = null;
  reconnects = 0;
  messages = 0;
  badFrames = 0;
  private ws?: WebSocket;
  private opened = 0;
  private failures = 0;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private lastActivity = 0;

  constructor(private readonly o: ConnectionOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
    const every = Math.max(10, Math.min(1000, Math.floor(this.o.staleAfterMs / 4)));
    this.watchdog = setInterval(() => this.checkStale(), every);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    const ws = this.ws;
    this.ws = undefined;
    this.setConnected(false);
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
  }

  facts(streams: number, now = Date.now()): ConnectionFacts {
    return {
      market: this.o.market,
      connected: this.connected,
      lastMessageAgeMs: this.lastMessageAt === null ? null : now - this.lastMessageAt,
      reconnects: this.reconnects,
      messages: this.messages,
      badFrames: this.badFrames,
      streams,
    };
  }

  /** Connected and heard from within staleAfterMs. */
  live(now = Date.now()): boolean {
    return this.connected && now - this.lastActivity <= this.o.staleAfterMs;
  }

  private setConnected(up: boolean): void {
    this.connected = up;
    metrics.streamConnected.set({ market: this.o.market }, up ? 1 : 0);
  }

  private open(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.o.url, { handshakeTimeout: Math.max(1000, this.o.staleAfterMs) });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.lastActivity = Date.now();
      this.setConnected(true);
      const reconnect = this.opened++ > 0;
      if (reconnect) {
        this.reconnects++;
        metrics.streamReconnects.inc({ market: this.o.market });
      }
      this.o.log.info({ market: this.o.market, reconnect }, `${this.o.market} stream connected`);
      this.o.onOpen(reconnect);
    });
    ws.on('message', (data, isBinary) => {
      if (this.ws !== ws) return;
      const at = Date.now();
      this.lastActivity = at;
      this.lastMessageAt = at;
      this.messages++;
      try {
        this.o.onFrame(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString(), at);
        // Backoff resets on a good frame, not on open: a server that accepts and then breaks still backs off.
        this.failures = 0;
      } catch (err) {
        // A frame we cannot read may have been a closed kline: the socket is replaced and the gap repaired.
        this.badFrames++;
        metrics.streamBadFrames.inc({ market: this.o.market });
        this.drop(ws, `broken frame: ${(err as Error).message}`);
      }
    });
    ws.on('error', (err) => this.o.log.warn({ market: this.o.market, err: err.message }, `${this.o.market} stream error`));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.down(`socket closed`);
    });
  }

  private drop(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.down(reason);
    ws.terminate();
  }

  private down(reason: string): void {
    this.ws = undefined;
    const was = this.connected;
    this.setConnected(false);
    if (this.stopped) return;
    this.failures++;
    const wait = backoffDelay(this.failures, this.o.backoff);
    this.o.log.warn({ market: this.o.market, reason, retryInMs: wait, wasConnected: was }, `${this.o.market} stream down; reconnecting`);
    this.o.onDown?.(reason);
    this.retry = setTimeout(() => this.open(), wait);
    this.retry.unref();
  }

  private checkStale(): void {
    const ws = this.ws;
    if (!ws || !this.connected) return;
    const silent = Date.now() - this.lastActivity;
    if (silent > this.o.staleAfterMs) this.drop(ws, `silent for ${silent} ms (staleAfterMs ${this.o.staleAfterMs})`);
  }
}
