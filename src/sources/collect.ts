import type { Config } from '../config/schema.js';
import { baseOf, normalizeSymbol } from '../core/assets.js';
import { metrics } from '../core/metrics.js';
import { DAY_MS, type Timeframe, timeframeMs, utcDay } from '../core/time.js';
import type { CandleSourceName, RangeDeps } from './candle-range.js';
import { collectCandles, collectPrices } from './fallback.js';
import type { SourceName } from './http/stack.js';
import { fetchMacroRange } from './macro-range.js';

/** One unit of collection work; the scheduler runs these on their tiers, `mts collect` runs them all once. */
export type CollectItem =
  | { kind: 'candles'; source: CandleSourceName; symbol: string; timeframe: Timeframe }
  | { kind: 'macro'; series: string }
  | { kind: 'prices'; symbols: string[] }
  | { kind: 'funding'; symbol: string }
  | { kind: 'orderbook'; symbol: string };

export interface CollectResult {
  item: string;
  /** The source that served (the fallback when `fallback`). */
  source: string;
  stored: number;
  calls: number;
  fallback: boolean;
  /** Set when the item was skipped on purpose (e.g. no FRED key). */
  skipped?: string;
  error?: string;
}

export function itemName(item: CollectItem): string {
  switch (item.kind) {
    case 'candles':
      return `candles:${item.source}:${item.symbol}:${item.timeframe}`;
    case 'macro':
      return `macro:${item.series}`;
    case 'prices':
      return 'prices';
    case 'funding':
      return `funding:${item.symbol}`;
    case 'orderbook':
      return `orderbook:${item.symbol}`;
  }
}

/** The source an item belongs to (before any fallback). */
export function primarySource(item: CollectItem): SourceName {
  if (item.kind === 'candles') return item.source;
  if (item.kind === 'macro') return 'fred';
  if (item.kind === 'prices') return 'coingecko';
  return 'binance';
}

/** Every configured item (config.tiers), narrowed to a source and to some assets (`BTC,ETH`) when asked. */
export function collectionItems(config: Config, filter: { source?: SourceName | 'all'; assets?: string[] } = {}): CollectItem[] {
  const bases = filter.assets?.map((a) => baseOf(a));
  const wanted = (symbol: string) => !bases || bases.includes(baseOf(symbol));
  const items: CollectItem[] = [];
  for (const tier of [config.tiers.highFrequency, config.tiers.hourly]) {
    for (const symbol of tier.symbols.map(normalizeSymbol).filter(wanted)) {
      items.push({ kind: 'candles', source: tier.source, symbol, timeframe: tier.timeframe as Timeframe });
    }
  }
  const priced = config.assets.map(normalizeSymbol).filter(wanted);
  if (priced.length) items.push({ kind: 'prices', symbols: priced });
  for (const symbol of config.tiers.highFrequency.symbols.map(normalizeSymbol).filter(wanted)) {
    items.push({ kind: 'funding', symbol }, { kind: 'orderbook', symbol });
  }
  if (!bases) for (const series of config.tiers.macro.series) items.push({ kind: 'macro', series });
  return items.filter((i) => !filter.source || filter.source === 'all' || primarySource(i) === filter.source);
}

/** How far back an item with nothing stored starts: one page of candles, a week of funding, a year of macro. */
async function candlesSince(deps: RangeDeps, item: Extract<CollectItem, { kind: 'candles' }>): Promise<number> {
  const step = timeframeMs(item.timeframe);
  const cols = await deps.store.candles.read({ symbol: item.symbol, timeframe: item.timeframe, source: item.source, limit: 1 });
  if (cols.length) return cols.ts[0] + step;
  const lastClosed = Math.floor(deps.clock.now() / step) * step - step;
  return lastClosed - (deps.config.sources.binance.klinesPerPage - 1) * step;
}

/**
 * Collects one item now: candles since the last stored one (with the SPEC §5 fallback), macro since the last
 * stored date, prices, funding or an order book. Throws when the item failed (after fallbacks).
 */
export async function collectItem(item: CollectItem, deps: RangeDeps): Promise<CollectResult> {
  const name = itemName(item);
  const before = deps.sources.clients.accounting.callsMade();
  const done = (source: string, stored: number, fallback = false, skipped?: string): CollectResult => ({
    item: name,
    source,
    stored,
    calls: deps.sources.clients.accounting.callsMade() - before,
    fallback,
    ...(skipped ? { skipped } : {}),
  });
  const now = deps.clock.now();
  switch (item.kind) {
    case 'candles': {
      const r = await collectCandles(deps, item.source, item.symbol, item.timeframe, await candlesSince(deps, item));
      return done(r.source, r.value, r.fallback);
    }
    case 'prices': {
      const r = await collectPrices(deps, item.symbols);
      const n = await deps.store.prices.upsert(r.value);
      metrics.rowsStored.inc({ table: 'price_snapshots' }, n);
      return done(r.source, n, r.fallback);
    }
    case 'macro': {
      if (!deps.sources.fred.hasKey) {
        deps.log.warn({ item: name }, 'no FRED API key (MTS_FRED_API_KEY): the macro tier is skipped');
        return done('fred', 0, false, 'no FRED API key');
      }
      const last = await deps.store.macro.read(item.series, undefined, undefined, 1);
      const from = last.length ? last[0].date : utcDay(now) - 365 * DAY_MS;
      const r = await fetchMacroRange(deps, item.series, from);
      return done('fred', r.stored);
    }
    case 'funding': {
      const stored = await deps.store.market.readFunding(item.symbol, now - 30 * DAY_MS);
      const since = stored.length ? stored[stored.length - 1].ts + 1 : now - 7 * DAY_MS;
      const rates = (await deps.sources.binance.fundingRates(item.symbol, since)).filter((r) => r.ts <= now);
      const n = await deps.store.market.upsertFunding(rates);
      metrics.rowsStored.inc({ table: 'funding_rates' }, n);
      return done('binance', n);
    }
    case 'orderbook': {
      const book = await deps.sources.binance.orderBook(item.symbol, deps.config.stream.orderBookDepth, now);
      await deps.store.market.insertOrderBook(book);
      metrics.rowsStored.inc({ table: 'order_book_snapshots' });
      return done('binance', 1);
    }
  }
}

/** One pass over the items, one after another (the limiters pace each source); a failed item never stops the rest. */
export async function collectAll(items: readonly CollectItem[], deps: RangeDeps): Promise<CollectResult[]> {
  const results: CollectResult[] = [];
  for (const item of items) {
    const before = deps.sources.clients.accounting.callsMade();
    try {
      results.push(await collectItem(item, deps));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.log.error({ item: itemName(item), err: message }, `collecting ${itemName(item)} failed`);
      results.push({ item: itemName(item), source: primarySource(item), stored: 0, calls: deps.sources.clients.accounting.callsMade() - before, fallback: false, error: message });
    }
  }
  return results;
}
