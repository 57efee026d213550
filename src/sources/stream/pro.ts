/**
 * The ccxt.pro Binance exchange the market stream watches through, pointed at the configured WebSocket hosts
 * (`urls.api.ws.spot` / `.future`) and REST hosts (market list, order-book snapshots: through our client stack), with
 * four small overrides:
 *
 * - `handleMessage` first runs the frame guard (events.ts): ccxt hands a frame it cannot JSON.parse on as a string
 *   (and logs it with console.log); its handlers then throw a TypeError that only rejects the pending watch
 *   futures, on a socket that stays open. A broken frame may have been a closed kline, so the guard's error goes to
 *   `hooks.broken`, which replaces the socket (and so repairs the gap).
 * - `handleOHLCV` calls ccxt's handler, then reads the kline's closed flag `k.x`, which ccxt's OHLCV arrays drop:
 *   a kline Binance marked closed goes to `hooks.closedKline` as ccxt parsed it.
 * - `handleSubscriptionStatus`, `onConnected`, `onClose`/`onError`: the (re)connect and subscription-ack hooks the
 *   gap repair and the health facts need (ccxt reconnects when a watch method is called again after a drop).
 * - `isSpotUrl`: ccxt tells spot from futures by `/stream` in the URL (true of Binance's host names only); here
 *   the configured spot base decides, so a local or proxied host works.
 */
import type ccxtModule from 'ccxt';
import type { Config } from '../../config/schema.js';
import type { Candle } from '../../core/types.js';
import { routeRest } from '../binance/exchange.js';
import type { SourceClient } from '../http/client.js';
import { wsBase } from './plan.js';

export interface ProHooks {
  /** Every payload of a stream socket, before ccxt handles it; throwing marks it broken. */
  frame(url: string, message: unknown): void;
  /** A frame the guard refused: the caller replaces that socket. */
  broken(url: string, err: Error): void;
  /** A kline Binance marked closed (`k.x`), as ccxt parsed it, with its event time. */
  closedKline(symbol: string, timeframe: string, candle: Candle, eventTime: number): void;
  /** The server acknowledged a SUBSCRIBE; `hashes` are the ccxt subscriptions it covered. */
  subscribed(url: string, hashes: string[]): void;
  opened(url: string): void;
  closed(url: string, reason: string): void;
  debug(msg: string): void;
}

type ProBinance = InstanceType<typeof ccxtModule.pro.binance>;

export type ProExchange = ProBinance & {
  /** Event time of the latest kline update per `symbol::timeframe`. */
  klineEventTime: Map<string, number>;
  /** Terminates the socket of `url` (no close handshake: a silent path may never answer one). */
  drop(url: string): void;
  isNetworkError(err: unknown): boolean;
  /** URLs of the sockets open now. */
  openUrls(): string[];
};

interface WsClientLike {
  url: string;
  subscriptions: Record<string, unknown>;
  connection?: { terminate?: () => void; close: () => void };
  isOpen(): boolean;
  error?: Error;
}

/** The ccxt.pro binance of the stream; `marketTypes` are the markets it loads (`spot`, `linear`). */
export async function createProExchange(config: Config, client: SourceClient, hooks: ProHooks, marketTypes: string[]): Promise<ProExchange> {
  const ccxt = (await import('ccxt')).default;

  class MtsBinancePro extends ccxt.pro.binance {
    klineEventTime = new Map<string, number>();

    override log(...args: unknown[]): void {
      hooks.debug(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    }

    override isSpotUrl(c: WsClientLike): boolean {
      return c.url.startsWith(`${this.urls.api.ws.spot}/`);
    }

    override handleMessage(c: WsClientLike, message: unknown): void {
      // frames ccxt still had queued from a socket already dropped (a broken frame, silence) belong to no one
      if (c.connection !== undefined && !c.isOpen()) return;
      try {
        hooks.frame(c.url, message);
      } catch (err) {
        hooks.broken(c.url, err as Error);
        return;
      }
      super.handleMessage(c as never, message);
    }

    override handleOHLCV(c: WsClientLike, message: Record<string, any>): void {
      super.handleOHLCV(c as never, message);
      const k = message.k as Record<string, any>;
      const symbol = this.safeSymbol(k.s, undefined, undefined, this.isSpotUrl(c) ? 'spot' : 'contract');
      const timeframe = this.findTimeframe(k.i);
      if (symbol === undefined || timeframe === undefined) return;
      this.klineEventTime.set(`${symbol}::${timeframe}`, Number(message.E));
      if (k.x !== true) return;
      const rows = (this.ohlcvs[symbol]?.[timeframe] ?? []) as number[][];
      const t = Number(k.t);
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        if (r[0] !== t) continue;
        hooks.closedKline(symbol, timeframe, { ts: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5] }, Number(message.E));
        return;
      }
    }

    override handleSubscriptionStatus(c: WsClientLike, message: Record<string, unknown>): unknown {
      const r = super.handleSubscriptionStatus(c as never, message);
      const id = String(message.id);
      const hashes = Object.entries(c.subscriptions)
        .filter(([, s]) => typeof s === 'object' && s !== null && String((s as { id?: unknown }).id) === id)
        .map(([h]) => h);
      hooks.subscribed(c.url, hashes);
      return r;
    }

    override onConnected(c: WsClientLike, message?: unknown): void {
      super.onConnected(c, message);
      hooks.opened(c.url);
    }

    override onError(c: WsClientLike, error: Error): void {
      super.onError(c, error);
      hooks.closed(c.url, error?.message ?? 'error');
    }

    override onClose(c: WsClientLike, event: unknown): void {
      super.onClose(c, event);
      hooks.closed(c.url, c.error?.message ?? `closed (${(event as { code?: number })?.code ?? '?'})`);
    }

    /** A rejection that came from the socket (closed, timed out, out of sequence) rather than from the request. */
    isNetworkError(err: unknown): boolean {
      return err instanceof ccxt.NetworkError;
    }

    drop(url: string): void {
      const c = (this.clients as Record<string, WsClientLike>)[url];
      const conn = c?.connection;
      if (conn?.terminate) conn.terminate();
      else conn?.close();
    }

    openUrls(): string[] {
      return Object.values(this.clients as Record<string, WsClientLike>)
        .filter((c) => c.connection !== undefined && c.isOpen())
        .map((c) => c.url);
    }
  }

  const ex = new MtsBinancePro({
    enableRateLimit: false,
    options: {
      fetchMarkets: { types: marketTypes },
      fetchCurrencies: false,
      // every subscription of a market type on one socket (ccxt spreads them over up to 50 by default)
      streamLimits: { spot: 1, margin: 1, future: 1, delivery: 1 },
      // ccxt's own dial backoff is off: the watch loops back off before calling again (market-stream.ts), with the
      // stream.reconnect* settings, so the two never add up
      ws: { backoff: { base: 0 } },
    },
  });
  const ws = ex.urls.api.ws as Record<string, string>;
  ws.spot = wsBase(config.sources.binance.wsUrl);
  ws.margin = ws.spot;
  ws.future = wsBase(config.sources.binance.futuresWsUrl);
  routeRest(ex as unknown as { urls: unknown; fetch: unknown }, config, client);
  // ccxt refuses a plain ws:// URL (a local or proxied host) until it has an http agent for it
  if (ws.spot.startsWith('ws://') || ws.future.startsWith('ws://')) await ex.loadHttpProxyAgent();
  return ex as unknown as ProExchange;
}
