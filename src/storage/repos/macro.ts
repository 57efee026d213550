import type { MacroObservation } from '../../core/types.js';
import type { Backend } from '../backend.js';

const CHUNK = 500;

/** Macro observations keyed by (series, date); value null = missing that day. */
export class MacroRepo {
  constructor(private readonly backend: Backend) {}

  async upsert(observations: readonly MacroObservation[], source = 'fred'): Promise<number> {
    const db = this.backend.db;
    for (let i = 0; i < observations.length; i += CHUNK) {
      const rows = observations.slice(i, i + CHUNK).map((o) => ({ series: o.series, date: o.date, value: o.value, source }));
      await db
        .insertInto('macro_observations')
        .values(rows)
        .onConflict((oc) => oc.columns(['series', 'date']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), source: eb.ref('excluded.source') })))
        .execute();
    }
    return observations.length;
  }

  /** Observations of a series with from <= date <= to, oldest first. */
  async read(series: string, from?: number, to?: number, limit?: number): Promise<MacroObservation[]> {
    let q = this.backend.db.selectFrom('macro_observations').select(['series', 'date', 'value']).where('series', '=', series);
    if (from !== undefined) q = q.where('date', '>=', from);
    if (to !== undefined) q = q.where('date', '<=', to);
    if (limit !== undefined) {
      const rows = await q.orderBy('date', 'desc').limit(limit).execute();
      return rows.reverse().map(toObs);
    }
    return (await q.orderBy('date').execute()).map(toObs);
  }

  async series(): Promise<{ series: string; count: number; first: number; last: number }[]> {
    const rows = await this.backend.db
      .selectFrom('macro_observations')
      .select((eb) => ['series', eb.fn.countAll<number>().as('count'), eb.fn.min('date').as('first'), eb.fn.max('date').as('last')])
      .groupBy('series')
      .orderBy('series')
      .execute();
    return rows.map((r) => ({ series: r.series, count: Number(r.count), first: Number(r.first), last: Number(r.last) }));
  }
}

function toObs(r: { series: string; date: number; value: number | null }): MacroObservation {
  return { series: r.series, date: Number(r.date), value: r.value === null ? null : Number(r.value) };
}
