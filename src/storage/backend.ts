import type { Kysely } from 'kysely';
import type { CandleColumns } from '../core/types.js';
import type { DB, Dialect } from './schema.js';

/** The hot paths each adapter implements natively (bulk candle upsert and columnar reads). */
export interface FastPath {
  upsertCandles(seriesId: number, cols: CandleColumns): Promise<void>;
  /** Candles of the given series with from <= ts <= to, oldest first; the last `limit` if given. */
  readCandles(seriesIds: number[], from: number, to: number, limit?: number): Promise<CandleColumns>;
}

/** What a repository needs: the query layer, the dialect and the adapter's fast paths. */
export interface Backend {
  readonly dialect: Dialect;
  readonly db: Kysely<DB>;
  readonly fast: FastPath;
}
