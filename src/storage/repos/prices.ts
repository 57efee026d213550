import type { Backend } from '../backend.js';

export interface PriceSnapshot {
  symbol: string;
  ts: number;
  source: string;
  price: number;
  volume24h: number | null;
  change24hPct: number | null;
}

/** Last prices per (symbol, ts, source); writes are idempotent. */
export class PriceRepo {
  constructor(private readonly backend: Backend) {}

  async upsert(rows: readonly PriceSnapshot[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.backend.db
      .insertInto('price_snapshots')
      .values(rows.map((r) => ({ symbol: r.symbol, ts: r.ts, source: r.source, price: r.price, volume_24h: r.volume24h, change_24h_pct: r.change24hPct })))
      .onConflict((oc) =>
        oc.columns(['symbol', 'ts', 'source']).doUpdateSet((eb) => ({
          price: eb.ref('excluded.price'),
          volume_24h: eb.ref('excluded.volume_24h'),
          change_24h_pct: eb.ref('excluded.change_24h_pct'),
        })),
      )
      .execute();
    return rows.length;
  }

  /** The newest price of a symbol from any source. */
  async latest(symbol: string): Promise<PriceSnapshot | undefined> {
    const r = await this.backend.db.selectFrom('price_snapshots').selectAll().where('symbol', '=', symbol).orderBy('ts', 'desc').limit(1).executeTakeFirst();
    if (!r) return undefined;
    return { symbol: r.symbol, ts: Number(r.ts), source: r.source, price: Number(r.price), volume24h: r.volume_24h === null ? null : Number(r.volume_24h), change24hPct: r.change_24h_pct === null ? null : Number(r.change_24h_pct) };
  }
}
