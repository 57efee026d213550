import type { Config } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { type ApiCallStore, CallAccounting } from './accounting.js';
import { BINANCE_MAX_WEIGHT } from '../binance/weights.js';
import { SourceBreaker } from './breaker.js';
import { type FetchLike, SourceClient } from './client.js';
import { type BucketLimits, type Limiter, TokenBucket } from './rate-limiter.js';

export const SOURCE_NAMES = ['binance', 'coingecko', 'fred'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const COINGECKO_PUBLIC_BASE = 'https://api.coingecko.com/api/v3';
export const COINGECKO_PRO_BASE = 'https://pro-api.coingecko.com/api/v3';

export interface StackDeps {
  clock: Clock;
  log: Logger;
  /** Where call records are stored (store.ops); metrics are kept either way. */
  calls?: ApiCallStore;
  fetch?: FetchLike;
  random?: () => number;
  /** The rate limiter of a source (default: a token bucket in this process; scale-out shares one in Redis). */
  limiter?: (source: SourceName, limits: BucketLimits) => Limiter;
}

/** The three source clients sharing one accounting; `close` flushes the records and stops the breakers' timers. */
export interface SourceClients {
  binance: SourceClient;
  coingecko: SourceClient;
  fred: SourceClient;
  accounting: CallAccounting;
  close(): Promise<void>;
}

/** CoinGecko's base URL and key header for the configured plan (SPEC §2). */
export function coingeckoAccess(config: Config): { baseUrl: string; headers: Record<string, string> } {
  const cg = config.sources.coingecko;
  const pro = cg.plan === 'pro' && cg.apiKey !== undefined;
  const baseUrl = pro && cg.baseUrl === COINGECKO_PUBLIC_BASE ? COINGECKO_PRO_BASE : cg.baseUrl;
  const headers: Record<string, string> = {};
  if (cg.apiKey) headers[pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key'] = cg.apiKey;
  return { baseUrl: baseUrl.replace(/\/+$/, ''), headers };
}

/** Builds the one client stack per source from config (limits of SPEC §5, timeouts, retries, breakers). */
export function createSourceClients(config: Config, deps: StackDeps): SourceClients {
  const s = config.sources;
  const accounting = new CallAccounting(deps.calls, deps.log);
  const breakers: SourceBreaker[] = [];
  const make = (source: SourceName, limit: number, safetyFraction: number, extra: { headers?: Record<string, string>; secrets?: string[]; maxWeight?: number } = {}) => {
    const { maxWeight, ...clientExtra } = extra;
    const breaker = new SourceBreaker(source, s.breaker, deps.log);
    breakers.push(breaker);
    return new SourceClient({
      source,
      clock: deps.clock,
      log: deps.log,
      limiter: (deps.limiter ?? ((_, limits) => new TokenBucket(limits, deps.clock)))(source, { limit, windowMs: s.limitWindowMs, safetyFraction, maxWeight }),
      breaker,
      accounting,
      timeoutMs: s.timeoutMs,
      retry: s.retry,
      fetch: deps.fetch,
      random: deps.random,
      ...clientExtra,
    });
  };
  const cg = coingeckoAccess(config);
  const secrets = [s.coingecko.apiKey, s.fred.apiKey].filter((k): k is string => k !== undefined);
  return {
    binance: make('binance', s.binance.weightPerMinute, s.binance.safetyFraction, { maxWeight: BINANCE_MAX_WEIGHT }),
    coingecko: make('coingecko', s.coingecko.callsPerMinute, s.coingecko.safetyFraction, { headers: cg.headers, secrets }),
    fred: make('fred', s.fred.callsPerMinute, s.fred.safetyFraction, { secrets }),
    accounting,
    async close() {
      for (const b of breakers) b.shutdown();
      await accounting.flush();
    },
  };
}
