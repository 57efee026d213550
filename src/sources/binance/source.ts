import type { Config } from '../../config/schema.js';
import { exchangeId, normalizeSymbol } from '../../core/assets.js';
import { GiveUpError, MtsError, RetryableError } from '../../core/errors.js';
import type { Timeframe } from '../../core/time.js';
import type { Candle, FundingRate, OrderBookSnapshot } from '../../core/types.js';
import type { SourceClient } from '../http/client.js';
import type { PriceQuote } from '../types.js';
import { decimalNumber } from './decimal.js';
import { type BinanceExchange, createBinanceExchange } from './exchange.js';

type Raw = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Our errors pass through ccxt unchanged; ccxt's own (unknown symbol, bad arguments) become give-up errors. */
async function viaCcxt<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MtsError) throw err;
    throw new GiveUpError('E_BINANCE', `binance ${what}: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
  }
}

/** Open time of a kline row. */
export const klineOpenTime = (row: unknown[]): number => num(row[0]);

/** Candles from Binance kline rows; the decimal strings are read by `decimalNumber` (the same doubles as Number(), in less time). */
export function candlesFromKlines(rows: readonly unknown[][]): Candle[] {
  const d = decimalNumber;
  return rows.map((r) => ({ ts: num(r[0]), open: d(r[1]), high: d(r[2]), low: d(r[3]), close: d(r[4]), volume: d(r[5]) }));
}

/** Binance market data through ccxt: spot klines and 24h tickers, USD-M funding rates and order books. */
export class BinanceSource {
  readonly name = 'binance';
  private ex?: Promise<BinanceExchange>;

  constructor(
    private readonly config: Config,
    readonly client: SourceClient,
  ) {}

  /** The ccxt exchange, created (and ccxt imported) on first use. */
  exchange(): Promise<BinanceExchange> {
    this.ex ??= createBinanceExchange(this.config, this.client);
    return this.ex;
  }

  /** The exchange with its spot markets loaded. ccxt keeps a failed load forever, so a failure is forgotten here. */
  private async withMarkets(): Promise<BinanceExchange> {
    const ex = await this.exchange();
    if (!ex.markets) {
      try {
        await ex.loadMarkets();
      } catch (err) {
        (ex as unknown as { marketsLoading?: unknown }).marketsLoading = undefined;
        throw err;
      }
    }
    return ex;
  }

  private async implicit<T>(method: string, params: Raw): Promise<T> {
    const ex = (await this.exchange()) as unknown as Record<string, (p: Raw) => Promise<T>>;
    return ex[method](params);
  }

  /**
   * Up to `limit` klines opening at or after `since` (and at or before `until`), oldest first. Called through
   * ccxt's implicit `publicGetKlines` with the rows read here: unlike `fetchOHLCV` it needs no market list (a 1.2 MB
   * exchangeInfo of weight 20 per process) and skips ccxt's per-value parsing, which dominated a backfill's CPU.
   */
  async klines(symbol: string, timeframe: Timeframe, since: number, opts: { until?: number; limit?: number } = {}): Promise<Candle[]> {
    return candlesFromKlines(await this.klineRows(symbol, timeframe, since, opts));
  }

  /** `klines` as Binance's rows, to be read by `candlesFromKlines` when wanted (a backfill reads them off its critical path). */
  async klineRows(symbol: string, timeframe: Timeframe, since: number, opts: { until?: number; limit?: number } = {}): Promise<unknown[][]> {
    const sym = normalizeSymbol(symbol);
    const req: Raw = { symbol: exchangeId(sym), interval: timeframe, startTime: since, limit: opts.limit ?? 1000 };
    if (opts.until !== undefined) req.endTime = opts.until;
    const rows = await viaCcxt(`klines ${sym} ${timeframe}`, () => this.implicit<unknown[][]>('publicGetKlines', req));
    if (!Array.isArray(rows)) throw new RetryableError('E_MALFORMED', `binance GET /api/v3/klines: expected an array of klines`);
    return rows;
  }

  /** Last prices and 24h volume/change of several symbols in one call. */
  async tickers(symbols: readonly string[], now: number): Promise<PriceQuote[]> {
    const syms = symbols.map(normalizeSymbol);
    const res = await viaCcxt('tickers', async () => (await this.withMarkets()).fetchTickers(syms));
    return syms.flatMap((s) => {
      const t = res[s];
      if (!t || t.last === undefined || t.last === null) return [];
      return [{ symbol: s, ts: t.timestamp ?? now, price: t.last, volume24h: t.quoteVolume ?? null, change24hPct: t.percentage ?? null, source: 'binance' }];
    });
  }

  /** USD-M funding events from `since`, oldest first (up to 1000 per call). */
  async fundingRates(symbol: string, since?: number, limit = 1000): Promise<FundingRate[]> {
    const sym = normalizeSymbol(symbol);
    const req: Raw = { symbol: exchangeId(sym), limit };
    if (since !== undefined) req.startTime = since;
    const rows = (await viaCcxt('funding rates', () => this.implicit<Raw[]>('fapiPublicGetFundingRate', req))) ?? [];
    return rows.map((r) => {
      const mark = num(r.markPrice);
      return { symbol: sym, ts: num(r.fundingTime), rate: num(r.fundingRate), markPrice: Number.isFinite(mark) && mark > 0 ? mark : null };
    });
  }

  /** A USD-M order book snapshot (`/fapi/v1/depth`). */
  async orderBook(symbol: string, depth: number, now: number): Promise<OrderBookSnapshot> {
    const sym = normalizeSymbol(symbol);
    const limit = [5, 10, 20, 50, 100, 500, 1000].find((l) => l >= depth) ?? 1000;
    const raw = await viaCcxt('order book', () => this.implicit<Raw>('fapiPublicGetDepth', { symbol: exchangeId(sym), limit }));
    const side = (v: unknown) => ((v as unknown[][]) ?? []).slice(0, depth).map((l) => [num(l[0]), num(l[1])] as [number, number]);
    const ts = raw.T !== undefined ? num(raw.T) : raw.E !== undefined ? num(raw.E) : now;
    return { symbol: sym, ts, bids: side(raw.bids), asks: side(raw.asks) };
  }

  /** Binance's clock, to check ours against. */
  async serverTime(): Promise<number> {
    const r = await viaCcxt('time', () => this.implicit<Raw>('publicGetTime', {}));
    return num(r.serverTime);
  }

  /** Cheapest reachability check (weight 1). */
  async ping(): Promise<void> {
    await viaCcxt('ping', () => this.implicit<unknown>('publicGetPing', {}));
  }
}
