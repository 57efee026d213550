/**
 * The real-time market stream (SPEC §6), through ccxt.pro's Binance watchers (pro.ts): closed klines stored,
 * latest prices for listeners (the paper trader, a cache), the top of book in memory, order books and funding
 * stored at a cadence. One watch loop per kind of data calls its watch* method again and again; when a socket drops
 * (or is replaced: a broken frame, silence), the pending watch rejects, the loop backs off and calls again, which
 * makes ccxt dial and subscribe anew. After every (re)subscription of the klines each series' gap is repaired with
 * one REST call; until that repair succeeded, or while the spot socket is down or silent, `covers()` is false and
 * the REST schedule collects the series as if there were no stream.
 */
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import { parseDuration, type Timeframe } from '../../core/time.js';
import type { Candle, FundingRate, OrderBookSnapshot } from '../../core/types.js';
import { backoffDelay, type BackoffPolicy } from '../../scheduler/backoff.js';
import type { Store } from '../../storage/store.js';
import type { BinanceSource } from '../binance/source.js';
import { checkFrame, type FrameKind } from './events.js';
import { repairSeries, storeClosedKline } from './klines.js';
import { type StreamMarket, type StreamPlan, type StreamSeries, perpetualOf, streamPlan } from './plan.js';
import { createProExchange, type ProExchange } from './pro.js';

export type PriceListener = (symbol: string, price: number, ts: number) => unknown;

export interface MarketStreamOptions {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /**
   * The REST source: ccxt.pro loads its market list through its client stack, and gap repairs go through it.
   */
  binance: BinanceSource;
  /**
   * Feed listeners only: no candle, order-book or funding storage, no repairs and no futures socket (another
   * process, `mts run`, keeps storage; `mts paper --live-prices` wants the ticks).
   */
  pricesOnly?: boolean;
}

export interface TopOfBook {
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
  ts: number;
}

export interface StreamFacts {
  market: StreamMarket;
  connected: boolean;
  /** Wall-clock ms since the last frame, or null before the first. */
  lastMessageAgeMs: number | null;
  reconnects: number;
  messages: number;
  badFrames: number;
  /** Binance streams subscribed on this market. */
  streams: number;
  /** Sockets ccxt keeps for this market (spot 1; USD-M 2: /public for depth, /market for mark price). */
  sockets: number;
  staleAfterMs: number;
  /** Series whose gap has been repaired since the last (re)connect (the ones the stream covers now). */
  covering: number;
  series: number;
}

export interface StreamTotals {
  repairCalls: number;
  klinesStored: number;
  booksStored: number;
  fundingStored: number;
}

/** One market's sockets (ccxt clients by URL) and their counters. */
interface Link {
  market: StreamMarket;
  base: string;
  streams: number;
  known: Set<string>;
  open: Set<string>;
  opens: Map<string, number>;
  activity: Map<string, number>;
  lastMessageAt: number | null;
  reconnects: number;
  messages: number;
  badFrames: number;
}

const seriesId = (symbol: string, timeframe: string) => `${symbol}:${timeframe}`;
/** Waits `ms`, or less when `signal` aborts (stop() must not wait out a reconnect backoff). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

export class MarketStream {
  readonly plan: StreamPlan;
  readonly latest = new Map<string, { price: number; ts: number }>();
  readonly tops = new Map<string, TopOfBook>();
  readonly totals: StreamTotals = { repairCalls: 0, klinesStored: 0, booksStored: 0, fundingStored: 0 };
  private readonly links = new Map<StreamMarket, Link>();
  private readonly seriesOf = new Map<string, StreamSeries>();
  private readonly spotOfPerp = new Map<string, string>();
  private readonly repaired = new Set<string>();
  private readonly listeners: PriceListener[] = [];
  private readonly lastStored = new Map<string, number>();
  /** What each watch loop last handed on, per symbol or series (see klines()). */
  private readonly seen = new Map<string, unknown>();
  private readonly bookEvery: number;
  private readonly fundingEvery: number;
  private readonly backoff: BackoffPolicy;
  private readonly counters = new Map<string, { inc(): void }>();
  private work: Promise<void> = Promise.resolve();
  private repairs: Promise<void> = Promise.resolve();
  private ex?: ProExchange;
  private running?: Promise<void>;
  private stopped = true;
  private stopping = new AbortController();
  private watchdog?: NodeJS.Timeout;
  /** The REST source when this stream keeps storage; undefined when it only feeds prices. */
  private readonly storing: BinanceSource | undefined;

  constructor(private readonly o: MarketStreamOptions) {
    if (!o.binance) throw new Error('MarketStream: a Binance REST source is needed (market list, gap repairs)');
    this.plan = streamPlan(o.config);
    this.storing = o.pricesOnly ? undefined : o.binance;
    for (const s of this.plan.series) this.seriesOf.set(seriesId(s.symbol, s.timeframe), s);
    for (const s of this.plan.perpetuals) this.spotOfPerp.set(perpetualOf(s), s);
    this.bookEvery = parseDuration(o.config.stream.orderBookEvery, 'stream.orderBookEvery');
    this.fundingEvery = parseDuration(o.config.stream.fundingEvery, 'stream.fundingEvery');
    const st = o.config.stream;
    this.backoff = { baseMs: st.reconnectBaseMs, factor: st.reconnectFactor, capMs: st.reconnectMaxMs };
    for (const c of this.plan.connections) {
      if (c.market === 'futures' && this.storing === undefined) continue;
      this.links.set(c.market, { market: c.market, base: c.url, streams: c.streams.length, known: new Set(), open: new Set(), opens: new Map(), activity: new Map(), lastMessageAt: null, reconnects: 0, messages: 0, badFrames: 0 });
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = new AbortController();
    this.running = this.run().catch((err) => this.o.log.error({ err: (err as Error).message }, 'stream: could not start'));
    const every = Math.max(10, Math.min(1000, Math.floor(this.o.config.stream.staleAfterMs / 4)));
    this.watchdog = setInterval(() => this.checkStale(), every);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    clearInterval(this.watchdog);
    // terminate first: ccxt's close() waits for the server's close frame, which a dead path never sends
    for (const url of this.ex?.openUrls() ?? []) this.ex?.drop(url);
    await this.ex?.close();
    await this.running;
    for (const link of this.links.values()) {
      link.open.clear();
      metrics.streamConnected.set({ market: link.market }, 0);
    }
    this.repaired.clear();
    await this.settled();
  }

  /** Resolves when storage work and repairs queued so far are done. */
  async settled(): Promise<void> {
    await this.repairs;
    await this.work;
  }

  /** Adds a latest-price listener; returns its removal. */
  onPrice(listener: PriceListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Whether the stream keeps this series stored right now (connected, not silent, gap repaired). */
  covers(symbol: string, timeframe: Timeframe): boolean {
    return this.live('spot') && this.repaired.has(seriesId(symbol, timeframe));
  }

  facts(now = Date.now()): StreamFacts[] {
    return [...this.links.values()].map((l) => ({
      market: l.market,
      connected: this.connected(l.market),
      lastMessageAgeMs: l.lastMessageAt === null ? null : now - l.lastMessageAt,
      reconnects: l.reconnects,
      messages: l.messages,
      badFrames: l.badFrames,
      streams: l.streams,
      sockets: l.known.size,
      staleAfterMs: this.o.config.stream.staleAfterMs,
      covering: l.market === 'spot' ? this.repaired.size : 0,
      series: l.market === 'spot' ? this.plan.series.length : 0,
    }));
  }

  /** Every socket of the market that ccxt has opened is open now. */
  private connected(market: StreamMarket): boolean {
    const l = this.links.get(market);
    return l !== undefined && l.known.size > 0 && l.open.size === l.known.size;
  }

  /** Connected, and every socket heard from within staleAfterMs. */
  private live(market: StreamMarket, now = Date.now()): boolean {
    const l = this.links.get(market);
    if (!l || !this.connected(market)) return false;
    for (const url of l.open) if (now - (l.activity.get(url) ?? 0) > this.o.config.stream.staleAfterMs) return false;
    return true;
  }

  private linkOf(url: string): Link | undefined {
    const spot = this.links.get('spot');
    if (spot && url.startsWith(`${spot.base}/`)) return spot;
    return this.links.get('futures');
  }

  // ---- the ccxt.pro exchange and its watch loops ----

  private async run(): Promise<void> {
    const types = this.links.has('futures') ? ['spot', 'linear'] : ['spot'];
    const ex = await createProExchange(this.o.config, this.o.binance.client, this.hooks(), types);
    this.ex = ex;
    if (this.stopped) return;
    const loops: Promise<void>[] = [];
    const { series, spotSymbols, perpetuals } = this.plan;
    if (this.links.has('spot')) {
      if (series.length) loops.push(this.loop('klines', () => this.klines(ex, series)));
      loops.push(this.loop('trades', () => this.trades(ex, spotSymbols)));
      if (this.storing) loops.push(this.loop('top of book', () => this.bidsAsks(ex, spotSymbols)));
    }
    if (this.links.has('futures')) {
      const perps = perpetuals.map(perpetualOf);
      loops.push(this.loop('order book', () => this.orderBook(ex, perps)));
      loops.push(this.loop('mark price', () => this.markPrices(ex, perps)));
    }
    await Promise.all(loops);
  }

  /** Calls `watch` until stopped; a rejection (a dropped socket, a failed market load) waits the backoff first. */
  private async loop(name: string, watch: () => Promise<void>): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.markets();
        await watch();
        failures = 0;
      } catch (err) {
        if (this.stopped) return;
        failures++;
        const wait = backoffDelay(failures, this.backoff);
        this.o.log.debug({ watch: name, err: (err as Error).message, retryInMs: wait }, 'stream watch rejected; calling again');
        await sleep(wait, this.stopping.signal);
      }
    }
  }

  /** ccxt keeps a failed market load forever; a failure is forgotten here so the next call loads again. */
  private async markets(): Promise<void> {
    const ex = this.ex as ProExchange;
    if (ex.markets) return;
    try {
      await ex.loadMarkets();
    } catch (err) {
      (ex as unknown as { marketsLoading?: unknown }).marketsLoading = undefined;
      throw err;
    }
  }

  // Each watch call resolves with the one symbol whose message woke it; messages that arrive before the loop calls
  // again update ccxt's caches without resolving anything. So every wake reads the caches of all symbols and hands
  // on what is new since the last wake: nothing is skipped when frames come in bursts.

  private async klines(ex: ProExchange, series: StreamSeries[]): Promise<void> {
    await ex.watchOHLCVForSymbols(series.map((s) => [s.symbol, s.timeframe]));
    for (const s of series) {
      const key = `${s.symbol}::${s.timeframe}`;
      const event = ex.klineEventTime.get(key);
      if (event === undefined || this.seen.get(key) === event) continue;
      this.seen.set(key, event);
      const rows = ex.ohlcvs[s.symbol]?.[s.timeframe] as number[][] | undefined;
      const last = rows?.[rows.length - 1];
      if (last) this.price(s.symbol, last[4], event);
    }
  }

  private async trades(ex: ProExchange, symbols: string[]): Promise<void> {
    await ex.watchTradesForSymbols(symbols, undefined, undefined, { name: 'aggTrade' });
    for (const symbol of symbols) {
      const cache = ex.trades[symbol] as unknown as { price: number; timestamp: number }[] | undefined;
      if (!cache?.length) continue;
      const seen = this.seen.get(symbol);
      let k = cache.length;
      while (k > 0 && cache[k - 1] !== seen) k--;
      this.seen.set(symbol, cache[cache.length - 1]);
      for (let j = k; j < cache.length; j++) this.price(symbol, cache[j].price, cache[j].timestamp);
    }
  }

  private async bidsAsks(ex: ProExchange, symbols: string[]): Promise<void> {
    await ex.watchBidsAsks(symbols);
    const at = Date.now();
    for (const symbol of symbols) {
      const t = ex.bidsasks[symbol];
      if (!t || t.bid === undefined || t.ask === undefined || this.seen.get(`top:${symbol}`) === t) continue;
      this.seen.set(`top:${symbol}`, t);
      this.tops.set(symbol, { bid: t.bid, bidQty: t.bidVolume ?? 0, ask: t.ask, askQty: t.askVolume ?? 0, ts: at });
    }
  }

  /** ccxt.pro keeps each book in sync (REST snapshot + diff stream); a snapshot of its top is stored at the cadence. */
  private async orderBook(ex: ProExchange, perps: string[]): Promise<void> {
    await ex.watchOrderBookForSymbols(perps);
    const n = this.o.config.stream.orderBookDepth;
    const side = (levels: unknown) => (levels as number[][]).slice(0, n).map(([p, q]) => [p, q] as [number, number]);
    for (const perp of perps) {
      const ob = ex.orderbooks[perp];
      const symbol = this.spotOfPerp.get(perp) as string;
      if (!ob || ob.nonce === undefined || typeof ob.timestamp !== 'number') continue;
      if (!this.due(`book:${symbol}`, ob.timestamp, this.bookEvery)) continue;
      const book: OrderBookSnapshot = { symbol, ts: ob.timestamp, bids: side(ob.bids), asks: side(ob.asks) };
      this.queue(`order book ${symbol}`, async () => {
        await this.o.store.market.insertOrderBook(book);
        metrics.rowsStored.inc({ table: 'order_book_snapshots' });
        this.totals.booksStored++;
      });
    }
  }

  private async markPrices(ex: ProExchange, perps: string[]): Promise<void> {
    await ex.watchMarkPrices(perps);
    for (const perp of perps) {
      const t = ex.tickers[perp];
      const symbol = this.spotOfPerp.get(perp) as string;
      const info = t?.info as Record<string, unknown> | undefined;
      if (info?.e !== 'markPriceUpdate') continue;
      const ts = Number(info.E);
      if (!this.due(`funding:${symbol}`, ts, this.fundingEvery)) continue;
      // Stored under the funding time it applies to: the row converges on the settled rate, which a later REST
      // collection of /fapi/v1/fundingRate overwrites with the exchange's own record (same key).
      const rate: FundingRate = { symbol, ts: Number(info.T), rate: Number(info.r), markPrice: t.markPrice ?? Number(info.p) };
      this.queue(`funding ${symbol}`, async () => {
        this.totals.fundingStored += await this.o.store.market.upsertFunding([rate]);
        metrics.rowsStored.inc({ table: 'funding_rates' });
      });
    }
  }

  // ---- hooks from the exchange (pro.ts) ----

  private hooks() {
    const log = this.o.log;
    return {
      frame: (url: string, message: unknown) => {
        const l = this.linkOf(url);
        if (!l) return;
        const at = Date.now();
        l.activity.set(url, at);
        l.lastMessageAt = at;
        l.messages++;
        const kind = checkFrame(message);
        if (kind !== 'control') this.counted(l.market, kind).inc();
      },
      broken: (url: string, err: Error) => {
        const l = this.linkOf(url);
        if (!l) return;
        // A frame we cannot read may have been a closed kline: the socket is replaced and the gap repaired.
        l.badFrames++;
        metrics.streamBadFrames.inc({ market: l.market });
        log.warn({ market: l.market, err: err.message }, `${l.market} stream: broken frame; replacing the socket`);
        this.ex?.drop(url);
      },
      closedKline: (symbol: string, timeframe: string, candle: Candle) => {
        const s = this.seriesOf.get(seriesId(symbol, timeframe));
        if (!s || this.storing === undefined) return;
        this.queue(`kline ${symbol} ${timeframe}`, async () => {
          this.totals.klinesStored += await storeClosedKline(this.o, s, candle);
        });
      },
      subscribed: (url: string, hashes: string[]) => {
        // The klines are subscribed (again): repair what was missed before this moment, one REST call per series.
        if (this.linkOf(url)?.market !== 'spot' || this.storing === undefined) return;
        if (!hashes.some((h) => h.startsWith('ohlcv::'))) return;
        this.repaired.clear();
        this.repairs = this.repairs.then(() => this.repairAll());
      },
      opened: (url: string) => {
        const l = this.linkOf(url);
        if (!l) return;
        l.known.add(url);
        l.open.add(url);
        l.activity.set(url, Date.now());
        const n = (l.opens.get(url) ?? 0) + 1;
        l.opens.set(url, n);
        if (n > 1) {
          l.reconnects++;
          metrics.streamReconnects.inc({ market: l.market });
        }
        metrics.streamConnected.set({ market: l.market }, this.connected(l.market) ? 1 : 0);
        log.info({ market: l.market, url, reconnect: n > 1 }, `${l.market} stream connected`);
      },
      closed: (url: string, reason: string) => {
        const l = this.linkOf(url);
        if (!l?.open.delete(url)) return;
        metrics.streamConnected.set({ market: l.market }, 0);
        if (l.market === 'spot') this.repaired.clear();
        if (!this.stopped) log.warn({ market: l.market, url, reason }, `${l.market} stream down; reconnecting`);
      },
      debug: (msg: string) => log.debug({ ccxt: msg }, 'ccxt.pro'),
    };
  }

  /** A socket silent for staleAfterMs counts as down even if it never closed: it is dropped, and the loops reconnect. */
  private checkStale(): void {
    const now = Date.now();
    const limit = this.o.config.stream.staleAfterMs;
    for (const l of this.links.values()) {
      for (const url of l.open) {
        const silent = now - (l.activity.get(url) ?? now);
        if (silent <= limit) continue;
        this.o.log.warn({ market: l.market, url, silentMs: silent, staleAfterMs: limit }, `${l.market} stream silent; replacing the socket`);
        this.hooks().closed(url, `silent for ${silent} ms`);
        this.ex?.drop(url);
      }
    }
  }

  /** One REST call per series with something missing; a failed repair leaves the series to the REST schedule. */
  private async repairAll(): Promise<void> {
    const binance = this.storing as BinanceSource;
    for (const s of this.plan.series) {
      if (!this.connected('spot')) return;
      try {
        const r = await repairSeries({ ...this.o, binance }, s);
        this.totals.repairCalls += r.calls;
        this.totals.klinesStored += r.stored;
        if (r.complete && this.connected('spot')) this.repaired.add(seriesId(s.symbol, s.timeframe));
      } catch (err) {
        this.o.log.warn({ series: `${s.symbol} ${s.timeframe}`, err: (err as Error).message }, 'stream gap repair failed; the REST schedule collects this series');
      }
    }
  }

  private queue(what: string, fn: () => Promise<void>): void {
    this.work = this.work.then(fn).catch((err) => this.o.log.error({ what, err: (err as Error).message }, `stream: storing ${what} failed`));
  }

  /**
   * A latest price, handed to the listeners in event-time order: the loops wake independently (a kline update read
   * after a burst of later trades), and a price older than the one already handed on is dropped.
   */
  private price(symbol: string, price: number, ts: number): void {
    const prev = this.latest.get(symbol);
    if (prev !== undefined && ts < prev.ts) return;
    this.latest.set(symbol, { price, ts });
    for (const l of this.listeners) {
      try {
        const r = l(symbol, price, ts);
        if (r instanceof Promise) r.catch((err: Error) => this.o.log.warn({ symbol, err: err.message }, 'a price listener failed'));
      } catch (err) {
        this.o.log.warn({ symbol, err: (err as Error).message }, 'a price listener failed');
      }
    }
  }

  /** The message counter of a (market, kind), looked up once: labels() per frame costs more than the frame. */
  private counted(market: StreamMarket, kind: Exclude<FrameKind, 'control'>) {
    const key = `${market}:${kind}`;
    let c = this.counters.get(key);
    if (!c) {
      c = metrics.streamMessages.labels(market, kind);
      this.counters.set(key, c);
    }
    return c;
  }

  private due(key: string, ts: number, every: number): boolean {
    const last = this.lastStored.get(key);
    if (last !== undefined && ts - last < every) return false;
    this.lastStored.set(key, ts);
    return true;
  }
}
