import type { Candle, CandleColumns, SeriesKey } from '../../core/types.js';
import type { Timeframe } from '../../core/time.js';
import type { Backend } from '../backend.js';

export interface CandleQuery {
  symbol: string;
  timeframe: Timeframe;
  /** One source only; without it, all sources are merged, preferring the one listed first in SOURCE_PRIORITY. */
  source?: string;
  /** Inclusive bounds on the candle open time. */
  from?: number;
  to?: number;
  /** The latest `limit` candles of the range (still returned oldest first). */
  limit?: number;
}

export interface SeriesInfo extends SeriesKey {
  count: number;
  first: number;
  last: number;
}

/** Which source wins when several stored the same candle. */
export const SOURCE_PRIORITY = ['binance', 'binance-ws', 'import', 'coingecko', 'sample'];

function priority(source: string): number {
  const i = SOURCE_PRIORITY.indexOf(source);
  return i < 0 ? SOURCE_PRIORITY.length : i;
}

export function emptyColumns(n = 0): CandleColumns & { length: number } {
  return {
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

export function columnsFromCandles(candles: readonly Candle[]): CandleColumns {
  const c = emptyColumns(candles.length);
  for (let i = 0; i < candles.length; i++) {
    const k = candles[i];
    c.ts[i] = k.ts;
    c.open[i] = k.open;
    c.high[i] = k.high;
    c.low[i] = k.low;
    c.close[i] = k.close;
    c.volume[i] = k.volume;
  }
  return c;
}

export function candlesFromColumns(c: CandleColumns): Candle[] {
  const out: Candle[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    out[i] = { ts: c.ts[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] };
  }
  return out;
}

/** Candles, keyed by (source, symbol, timeframe, ts). Writes are idempotent upserts. */
export class CandleRepo {
  private seriesIds = new Map<string, number>();

  constructor(private readonly backend: Backend) {}

  private async seriesId(key: SeriesKey, create: boolean): Promise<number | undefined> {
    const k = `${key.source}\u0000${key.symbol}\u0000${key.timeframe}`;
    const cached = this.seriesIds.get(k);
    if (cached !== undefined) return cached;
    const db = this.backend.db;
    if (create) {
      await db
        .insertInto('candle_series')
        .values({ source: key.source, symbol: key.symbol, timeframe: key.timeframe })
        .onConflict((oc) => oc.columns(['source', 'symbol', 'timeframe']).doNothing())
        .execute();
    }
    const row = await db
      .selectFrom('candle_series')
      .select('id')
      .where('source', '=', key.source)
      .where('symbol', '=', key.symbol)
      .where('timeframe', '=', key.timeframe)
      .executeTakeFirst();
    if (row) this.seriesIds.set(k, Number(row.id));
    return row ? Number(row.id) : undefined;
  }

  /** Upserts candles of one series in one transaction; returns how many rows were written. */
  async upsert(key: SeriesKey, candles: readonly Candle[] | CandleColumns): Promise<number> {
    const n = candles.length;
    if (n === 0) return 0;
    const id = (await this.seriesId(key, true)) as number;
    const cols = Array.isArray(candles) ? columnsFromCandles(candles as Candle[]) : (candles as CandleColumns);
    await this.backend.fast.upsertCandles(id, cols);
    return n;
  }

  /** Reads one symbol/timeframe as columns, oldest first. */
  async read(q: CandleQuery): Promise<CandleColumns> {
    return this.readAmong(await this.keys(), q);
  }

  /** `read` over a list of series keys already fetched (latest() reads several series off one key list). */
  private async readAmong(known: readonly SeriesKey[], q: CandleQuery): Promise<CandleColumns> {
    const series = known.filter(
      (s) => s.symbol === q.symbol && s.timeframe === q.timeframe && (q.source === undefined || s.source === q.source),
    );
    if (series.length === 0) return emptyColumns(0);
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    if (series.length === 1) {
      const ids = [(await this.seriesId(series[0], false)) as number];
      return this.backend.fast.readCandles(ids, from, to, q.limit);
    }
    // Several sources: merge, one candle per ts from the preferred source.
    const ordered = [...series].sort((a, b) => priority(a.source) - priority(b.source));
    const parts: CandleColumns[] = [];
    for (const s of ordered) parts.push(await this.backend.fast.readCandles([(await this.seriesId(s, false)) as number], from, to));
    const seen = new Map<number, [number, number]>();
    parts.forEach((p, pi) => {
      for (let i = 0; i < p.length; i++) if (!seen.has(p.ts[i])) seen.set(p.ts[i], [pi, i]);
    });
    let keys = [...seen.keys()].sort((a, b) => a - b);
    if (q.limit !== undefined && keys.length > q.limit) keys = keys.slice(keys.length - q.limit);
    const out = emptyColumns(keys.length);
    keys.forEach((ts, j) => {
      const [pi, i] = seen.get(ts) as [number, number];
      const p = parts[pi];
      out.ts[j] = ts;
      out.open[j] = p.open[i];
      out.high[j] = p.high[i];
      out.low[j] = p.low[i];
      out.close[j] = p.close[i];
      out.volume[j] = p.volume[i];
    });
    return out;
  }

  /** The most recent stored candle of a symbol (any timeframe unless given), or undefined. */
  async latest(symbol: string, timeframe?: Timeframe): Promise<(Candle & SeriesKey) | undefined> {
    const keys = await this.keys();
    const series = keys.filter((s) => s.symbol === symbol && (timeframe === undefined || s.timeframe === timeframe));
    let best: (Candle & SeriesKey) | undefined;
    for (const s of series) {
      const cols = await this.readAmong(keys, { symbol, timeframe: s.timeframe, source: s.source, limit: 1 });
      if (cols.length === 1) {
        const closeTs = cols.ts[0];
        if (!best || closeTs > best.ts) {
          best = { ...s, ts: cols.ts[0], open: cols.open[0], high: cols.high[0], low: cols.low[0], close: cols.close[0], volume: cols.volume[0] };
        }
      }
    }
    return best;
  }

  /** Every known series key (cheap: no scan of the candles). */
  async keys(): Promise<SeriesKey[]> {
    const rows = await this.backend.db.selectFrom('candle_series').select(['source', 'symbol', 'timeframe']).execute();
    return rows.map((r) => ({ source: r.source, symbol: r.symbol, timeframe: r.timeframe as Timeframe }));
  }

  /** Every stored series with its row count and time range. */
  async series(): Promise<SeriesInfo[]> {
    const rows = await this.backend.db
      .selectFrom('candle_series as s')
      .innerJoin('candles as c', 'c.series_id', 's.id')
      .select((eb) => [
        's.source',
        's.symbol',
        's.timeframe',
        eb.fn.countAll<number>().as('count'),
        eb.fn.min('c.ts').as('first'),
        eb.fn.max('c.ts').as('last'),
      ])
      .groupBy(['s.id', 's.source', 's.symbol', 's.timeframe'])
      .orderBy('s.symbol')
      .orderBy('s.timeframe')
      .orderBy('s.source')
      .execute();
    return rows.map((r) => ({
      source: r.source,
      symbol: r.symbol,
      timeframe: r.timeframe as Timeframe,
      count: Number(r.count),
      first: Number(r.first),
      last: Number(r.last),
    }));
  }

  async count(key: SeriesKey): Promise<number> {
    const id = await this.seriesId(key, false);
    if (id === undefined) return 0;
    const r = await this.backend.db.selectFrom('candles').select((eb) => eb.fn.countAll<number>().as('n')).where('series_id', '=', id).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Deletes a series' candles in [from, to]; returns rows removed. */
  async delete(key: SeriesKey, from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER): Promise<number> {
    const id = await this.seriesId(key, false);
    if (id === undefined) return 0;
    const r = await this.backend.db.deleteFrom('candles').where('series_id', '=', id).where('ts', '>=', from).where('ts', '<=', to).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
