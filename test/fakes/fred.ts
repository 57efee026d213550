import { fredSeries } from './data.js';
import type { FaultSettings } from './faults.js';
import { FakeServer } from './server.js';

export interface FakeFredOptions {
  callsPerWindow?: number;
  windowMs?: number;
  faults?: FaultSettings;
  /** The only key accepted (FRED keys are 32 lower-case alphanumerics). */
  apiKey: string;
}

const bad = (message: string) => ({ status: 400, body: { error_code: 400, error_message: message } });

/** Fake FRED: /series/observations with FRED's JSON envelope, "." for missing values, limit/offset paging. */
export function fakeFred(opts: FakeFredOptions): FakeServer {
  return new FakeServer(
    [
      {
        pattern: /\/series\/observations$/,
        handle(q) {
          if (!q.api_key) return bad('Bad Request.  Variable api_key is not set.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information.');
          if (q.api_key !== opts.apiKey) return bad('Bad Request.  The value for variable api_key is not registered.');
          if (q.file_type !== 'json') return bad('Bad Request.  This test server only speaks file_type=json.');
          const rows = fredSeries(q.series_id ?? '');
          if (!rows) return bad('Bad Request.  The series does not exist.');
          const start = q.observation_start ?? '1776-07-04';
          const end = q.observation_end ?? '9999-12-31';
          let chosen = rows.filter((r) => r.date >= start && r.date <= end);
          if (q.sort_order === 'desc') chosen = [...chosen].reverse();
          const limit = Math.min(100_000, Number(q.limit ?? 100_000));
          const offset = Number(q.offset ?? 0);
          const page = chosen.slice(offset, offset + limit);
          const today = new Date().toISOString().slice(0, 10);
          return {
            body: {
              realtime_start: today,
              realtime_end: today,
              observation_start: start,
              observation_end: end,
              units: 'lin',
              output_type: 1,
              file_type: 'json',
              order_by: 'observation_date',
              sort_order: q.sort_order ?? 'asc',
              count: chosen.length,
              offset,
              limit,
              observations: page.map((r) => ({ realtime_start: today, realtime_end: today, date: r.date, value: r.value })),
            },
          };
        },
      },
    ],
    { limit: opts.callsPerWindow ?? 120, windowMs: opts.windowMs ?? 60_000, faults: opts.faults },
  );
}
