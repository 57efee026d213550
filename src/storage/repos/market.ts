import type { FundingRate, OrderBookSnapshot } from '../../core/types.js';
import type { Backend } from '../backend.js';

/** Funding rates and order-book snapshots. */
export class MarketRepo {
  constructor(private readonly backend: Backend) {}

  async upsertFunding(rates: readonly FundingRate[]): Promise<number> {
    if (rates.length === 0) return 0;
    await this.backend.db
      .insertInto('funding_rates')
      .values(rates.map((r) => ({ symbol: r.symbol, ts: r.ts, rate: r.rate, mark_price: r.markPrice ?? null })))
      .onConflict((oc) => oc.columns(['symbol', 'ts']).doUpdateSet((eb) => ({ rate: eb.ref('excluded.rate'), mark_price: eb.ref('excluded.mark_price') })))
      .execute();
    return rates.length;
  }

  async readFunding(symbol: string, from?: number, to?: number): Promise<FundingRate[]> {
    let q = this.backend.db.selectFrom('funding_rates').selectAll().where('symbol', '=', symbol);
    if (from !== undefined) q = q.where('ts', '>=', from);
    if (to !== undefined) q = q.where('ts', '<=', to);
    const rows = await q.orderBy('ts').execute();
    return rows.map((r) => ({ symbol: r.symbol, ts: Number(r.ts), rate: Number(r.rate), markPrice: r.mark_price === null ? null : Number(r.mark_price) }));
  }

  async insertOrderBook(s: OrderBookSnapshot): Promise<void> {
    const bestBid = s.bids[0]?.[0];
    const bestAsk = s.asks[0]?.[0];
    const mid = bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2 : null;
    const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : null;
    await this.backend.db
      .insertInto('order_book_snapshots')
      .values({ symbol: s.symbol, ts: s.ts, bids: JSON.stringify(s.bids), asks: JSON.stringify(s.asks), mid, spread })
      .onConflict((oc) => oc.columns(['symbol', 'ts']).doNothing())
      .execute();
  }

  async latestOrderBook(symbol: string): Promise<(OrderBookSnapshot & { mid: number | null; spread: number | null }) | undefined> {
    const r = await this.backend.db.selectFrom('order_book_snapshots').selectAll().where('symbol', '=', symbol).orderBy('ts', 'desc').limit(1).executeTakeFirst();
    if (!r) return undefined;
    return { symbol: r.symbol, ts: Number(r.ts), bids: JSON.parse(r.bids), asks: JSON.parse(r.asks), mid: r.mid, spread: r.spread };
  }
}
