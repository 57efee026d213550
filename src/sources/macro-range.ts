import { ConfigError } from '../core/errors.js';
import { metrics } from '../core/metrics.js';
import { DAY_MS, isoDate, utcDay } from '../core/time.js';
import type { RangeDeps } from './candle-range.js';
import { patiently } from './patience.js';
import { cleanMacro, reportRejected } from './validate.js';

export interface MacroReport {
  stored: number;
  rejected: number;
  pages: number;
}

/**
 * Fetches and stores the observations of one FRED series over [from, to] that lie before the first or after the
 * last stored date (FRED has no weekend rows, so holes inside are not asked for). Pages are stored as they come,
 * so a rerun after a crash starts after the last stored date.
 */
export async function fetchMacroRange(deps: RangeDeps, series: string, from: number, to?: number): Promise<MacroReport> {
  const { store, clock, log, sources } = deps;
  if (!sources.fred.hasKey) throw new ConfigError('E_FRED_KEY', 'fred: no API key; set MTS_FRED_API_KEY (free at fred.stlouisfed.org)');
  const start = utcDay(from);
  const end = utcDay(to ?? clock.now());
  const stored = await store.macro.read(series, start, end);
  const ranges: [number, number][] = [];
  if (stored.length === 0) ranges.push([start, end]);
  else {
    if (stored[0].date > start) ranges.push([start, stored[0].date - DAY_MS]);
    if (stored[stored.length - 1].date < end) ranges.push([stored[stored.length - 1].date + DAY_MS, end]);
  }
  const report: MacroReport = { stored: 0, rejected: 0, pages: 0 };
  const total = ranges.reduce((n, [a, b]) => n + (b - a) / DAY_MS + 1, 0);
  let done = 0;
  for (const [a, b] of ranges) {
    for (let offset = 0; ; ) {
      report.pages++;
      const run = () => sources.fred.observationsPage(series, a, b, offset);
      const page = deps.patient ? await patiently(`fred ${series} from ${isoDate(a)} offset ${offset}`, run, deps) : await run();
      const clean = cleanMacro(page.observations, clock.now());
      reportRejected(clean.rejected, log, `fred ${series}`);
      report.rejected += clean.rejected.length;
      if (clean.observations.length) {
        await store.macro.upsert(clean.observations, 'fred');
        metrics.rowsStored.inc({ table: 'macro_observations' }, clean.observations.length);
        report.stored += clean.observations.length;
        done = (clean.observations[clean.observations.length - 1].date - start) / DAY_MS + 1;
        deps.onProgress?.(Math.min(done, total), total);
      }
      offset += page.observations.length;
      if (page.observations.length === 0 || offset >= page.count) break;
    }
  }
  deps.onProgress?.(total, total);
  return report;
}
