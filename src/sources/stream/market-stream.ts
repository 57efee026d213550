/**
 * The real-time market stream (SPEC §6): Binance combined streams over two sockets (plan.ts), their frames turned
 * into stored closed klines, latest prices for listeners (the paper trader, a cache), the top of book, and order
 * books and funding stored at a cadence. After every (re)connect each series' gap is repaired with one REST call;
 * until that repair succeeded, or while the socket is down or silent, `covers()` is false and the REST schedule
 * collects the series as if there were no stream.
 */
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';
import { parseDuration, type Timeframe } from '../../core/time.js';
import type { FundingRate, OrderBookSnapshot } from '../../core/types.js';
import type { Store } from '../../storage/store.js';
import type { BinanceSource } from '../binance/source.js';
import { type ConnectionFacts, StreamConnection } from './connection.js';
import { parseFrame, type StreamEvent } from './events.js';
import { repairSeries, storeClosedKline } from './klines.js';
import { type StreamMarket, type StreamPlan, type StreamSeries, streamPlan } from './plan.js';

export type PriceListener = (symbol: string, price: number, ts: number) => unknown;

export interface MarketStreamOptions {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The REST source gap repairs go through; without it the stream only feeds price listeners (pricesOnly). */
  binance?: BinanceSource;
  /**
   * Feed listeners only: no candle, order-book or funding storage and no repairs (another process, `mts run`,
   * keeps storage; `mts paper --stream` wants the ticks).
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

export interface StreamFacts extends ConnectionFacts {
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

const seriesId = (symbol: string, timeframe: string) => `${symbol}:${timeframe}`;

export class MarketStream {
  readonly plan: StreamPlan;
  readonly latest = new Map<string, { price: number; ts: number }>();
  readonly tops = new Map<string, TopOfBook>();
  readonly totals: StreamTotals = { repairCalls: 0, klinesStored: 0, booksStored: 0, fundingStored: 0 };
  private readonly conns = new Map<StreamMarket, { conn: StreamConnection; streams: number }>();
  private readonly symbolOf = new Map<string, string>();
  private readonly seriesOf = new Map<string, StreamSeries>();
  private readonly repaired = new Set<string>();
  private readonly listeners: PriceListener[] = [];
  private readonly lastStored = new Map<string, number>();
  private readonly bookEvery: number;
  private readonly fundingEvery: number;
  private readonly counters = new Map<string, { inc(): void }>();
  private work: Promise<void> = Promise.resolve();
  private repairs: Promise<void> = Promise.resolve();

  /** The REST source when this stream keeps storage; undefined when it only feeds prices. */
  private readonly storing: BinanceSource | undefined;

  constructor(private readonly o: MarketStreamOptions) {
    this.plan = streamPlan(o.config);
    this.storing = o.pricesOnly ? undefined : o.binance;
    if (!o.pricesOnly && !o.binance) throw new Error('MarketStream: a Binance REST source is needed to repair gaps (or pass pricesOnly)');
    for (const s of [...this.plan.spotSymbols, ...this.plan.perpetuals]) this.symbolOf.set(s.replace('/', ''), s);
    for (const s of this.plan.series) this.seriesOf.set(seriesId(s.symbol.replace('/', ''), s.timeframe), s);
    this.bookEvery = parseDuration(o.config.stream.orderBookEvery, 'stream.orderBookEvery');
    this.fundingEvery = parseDuration(o.config.stream.fundingEvery, 'stream.fundingEvery');
    const st = o.config.stream;
    for (const c of this.plan.connections) {
      const conn = new StreamConnection({
        market: c.market,
        url: c.url,
        staleAfterMs: st.staleAfterMs,
        backoff: { baseMs: st.reconnectBaseMs, factor: st.reconnectFactor, capMs: st.reconnectMaxMs },
        log: o.log,
        onOpen: () => this.opened(c.market),
        onDown: () => this.lost(c.market),
        onFrame: (text, at) => this.frame(c.market, text, at),
      });
      this.conns.set(c.market, { conn, streams: c.streams.length });
    }
  }

  start(): void {
    for (const { conn } of this.conns.values()) conn.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.conns.values()].map(({ conn }) => conn.stop()));
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
    const spot = this.conns.get('spot')?.conn;
    return spot?.live() === true && this.repaired.has(seriesId(symbol, timeframe));
  }

  facts(now = Date.now()): StreamFacts[] {
    return [...this.conns.values()].map(({ conn, streams }) => {
      const spot = conn.facts(streams, now).market === 'spot';
      const staleAfterMs = this.o.config.stream.staleAfterMs;
      return { ...conn.facts(streams, now), staleAfterMs, covering: spot ? this.repaired.size : 0, series: spot ? this.plan.series.length : 0 };
    });
  }

  private opened(market: StreamMarket): void {
    if (market !== 'spot' || this.storing === undefined) return;
    this.repaired.clear();
    this.repairs = this.repairs.then(() => this.repairAll());
  }

  private lost(market: StreamMarket): void {
    if (market === 'spot') this.repaired.clear();
  }

  /** One REST call per series with something missing; a failed repair leaves the series to the REST schedule. */
  private async repairAll(): Promise<void> {
    const spot = this.conns.get('spot')?.conn;
    const binance = this.storing as BinanceSource;
    for (const s of this.plan.series) {
      if (!spot?.connected) return;
      try {
        const r = await repairSeries({ ...this.o, binance }, s);
        this.totals.repairCalls += r.calls;
        this.totals.klinesStored += r.stored;
        if (r.complete && spot.connected) this.repaired.add(seriesId(s.symbol, s.timeframe));
      } catch (err) {
        this.o.log.warn({ series: `${s.symbol} ${s.timeframe}`, err: (err as Error).message }, 'stream gap repair failed; the REST schedule collects this series');
      }
    }
  }

  private queue(what: string, fn: () => Promise<void>): void {
    this.work = this.work.then(fn).catch((err) => this.o.log.error({ what, err: (err as Error).message }, `stream: storing ${what} failed`));
  }

  private price(symbol: string, price: number, ts: number): void {
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
  private counted(market: StreamMarket, kind: StreamEvent['kind']) {
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

  private frame(market: StreamMarket, text: string, at: number): void {
    const e: StreamEvent = parseFrame(text);
    this.counted(market, e.kind).inc();
    const symbol = this.symbolOf.get(e.id);
    if (symbol === undefined) return;
    if (this.storing === undefined) {
      if (e.kind === 'trade') this.price(symbol, e.price, e.ts);
      else if (e.kind === 'kline') this.price(symbol, e.candle.close, e.eventTime);
      return;
    }
    switch (e.kind) {
      case 'kline': {
        this.price(symbol, e.candle.close, e.eventTime);
        const s = this.seriesOf.get(seriesId(e.id, e.interval));
        if (e.closed && s) {
          this.queue(`kline ${symbol} ${s.timeframe}`, async () => {
            this.totals.klinesStored += await storeClosedKline(this.o, s, e.candle);
          });
        }
        return;
      }
      case 'trade':
        this.price(symbol, e.price, e.ts);
        return;
      case 'bookTicker':
        this.tops.set(symbol, { bid: e.bid, bidQty: e.bidQty, ask: e.ask, askQty: e.askQty, ts: at });
        return;
      case 'depth': {
        const ts = Number.isFinite(e.ts) ? e.ts : this.o.clock.now();
        if (!this.due(`book:${symbol}`, ts, this.bookEvery)) return;
        const n = this.o.config.stream.orderBookDepth;
        const book: OrderBookSnapshot = { symbol, ts, bids: e.bids.slice(0, n), asks: e.asks.slice(0, n) };
        this.queue(`order book ${symbol}`, async () => {
          await this.o.store.market.insertOrderBook(book);
          metrics.rowsStored.inc({ table: 'order_book_snapshots' });
          this.totals.booksStored++;
        });
        return;
      }
      case 'markPrice': {
        if (!this.due(`funding:${symbol}`, e.ts, this.fundingEvery)) return;
        // Stored under the funding time it applies to: the row converges on the settled rate, which a later REST
        // collection of /fapi/v1/fundingRate overwrites with the exchange's own record (same key).
        const rate: FundingRate = { symbol, ts: e.nextFundingTime, rate: e.fundingRate, markPrice: e.markPrice };
        this.queue(`funding ${symbol}`, async () => {
          this.totals.fundingStored += await this.o.store.market.upsertFunding([rate]);
          metrics.rowsStored.inc({ table: 'funding_rates' });
        });
        return;
      }
    }
  }
}
