import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../core/errors.js';
import { isoDate } from '../../core/time.js';
import type { MacroObservation } from '../../core/types.js';
import type { SourceClient } from '../http/client.js';

const page = z.looseObject({
  count: z.number(),
  offset: z.number().optional(),
  observations: z.array(z.looseObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), value: z.string() })),
});

/** FRED's value text: a number, or "." for a day without an observation (stored as null). */
export function fredValue(text: string): number | null {
  if (text === '.' || text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`observation value "${text.slice(0, 20)}" is not a number`);
  return v;
}

/** FRED `/series/observations` (JSON), paged by limit/offset; the key travels in the query and never in a message. */
export class FredSource {
  readonly name = 'fred';
  private readonly base: string;
  private readonly apiKey?: string;
  private readonly pageSize: number;

  constructor(
    config: Config,
    readonly client: SourceClient,
  ) {
    this.base = config.sources.fred.baseUrl.replace(/\/+$/, '');
    this.apiKey = config.sources.fred.apiKey;
    this.pageSize = config.sources.fred.pageSize;
  }

  get hasKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** One page of observations of `series` from `start` (ms, a UTC day) to `end`, at `offset`. */
  async observationsPage(series: string, start: number, end: number | undefined, offset: number): Promise<{ observations: MacroObservation[]; count: number }> {
    if (!this.apiKey) throw new ConfigError('E_FRED_KEY', 'fred: no API key (set MTS_FRED_API_KEY); the macro tier is skipped');
    const u = new URL(`${this.base}/series/observations`);
    u.searchParams.set('series_id', series);
    u.searchParams.set('api_key', this.apiKey);
    u.searchParams.set('file_type', 'json');
    u.searchParams.set('observation_start', isoDate(start));
    if (end !== undefined) u.searchParams.set('observation_end', isoDate(end));
    u.searchParams.set('sort_order', 'asc');
    u.searchParams.set('limit', String(this.pageSize));
    u.searchParams.set('offset', String(offset));
    const body = await this.client.getJson(u, { endpoint: '/series/observations' }, (b) => {
      const p = page.parse(b);
      return { count: p.count, observations: p.observations.map((o) => ({ series, date: Date.parse(`${o.date}T00:00:00Z`), value: fredValue(o.value) })) };
    });
    return body;
  }

  /** Every observation of `series` in [start, end], page by page; `onPage` sees each page as it arrives. */
  async observations(series: string, start: number, end?: number, onPage?: (obs: MacroObservation[]) => Promise<void>): Promise<MacroObservation[]> {
    const all: MacroObservation[] = [];
    for (let offset = 0; ; ) {
      const p = await this.observationsPage(series, start, end, offset);
      if (onPage) await onPage(p.observations);
      else all.push(...p.observations);
      offset += p.observations.length;
      if (p.observations.length === 0 || offset >= p.count) break;
    }
    return all;
  }

  /** Reachability: one observation of VIXCLS. */
  async ping(): Promise<void> {
    if (!this.apiKey) throw new ConfigError('E_FRED_KEY', 'fred: no API key (set MTS_FRED_API_KEY)');
    const u = new URL(`${this.base}/series/observations`);
    u.searchParams.set('series_id', 'VIXCLS');
    u.searchParams.set('api_key', this.apiKey);
    u.searchParams.set('file_type', 'json');
    u.searchParams.set('limit', '1');
    await this.client.getJson(u, { endpoint: '/series/observations' });
  }
}
