/**
 * The ports other modules plug into the server. Everything is optional: without a provider the server reads what
 * it can from storage, and a component with nothing running says so instead of failing.
 */

export const SOURCE_NAMES = ['binance', 'coingecko', 'fred'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export type BreakerState = 'closed' | 'half_open' | 'open';

/** What a running source client knows about itself (breaker and the last outcomes of its calls). */
export interface SourceFacts {
  breaker: BreakerState;
  lastSuccess?: number | null;
  lastError?: { ts: number; message: string } | null;
}

/** The scheduler loop of this process. */
export interface SchedulerFacts {
  /** When the loop last went round. */
  lastTick: number;
  /** How often it means to go round; the loop counts as stopped after twice this. */
  tickIntervalMs: number;
}

/** The paper engine of this process. */
export interface PaperFacts {
  alive: boolean;
  lastBeat?: number | null;
  lastError?: string | null;
}

/** One WebSocket market stream of this process (src/sources/stream). */
export interface StreamHealthFacts {
  market: string;
  connected: boolean;
  /** Wall-clock ms since its last frame, or null before the first. */
  lastMessageAgeMs: number | null;
  reconnects: number;
  messages: number;
  /** A stream silent this long counts as down. */
  staleAfterMs: number;
  /** Series whose storage it covers now, of those it carries. */
  covering?: number;
  series?: number;
  /** WebSocket connections behind this market (ccxt.pro: spot 1, USD-M 2). */
  sockets?: number;
}

/** The shared Redis of a scale-out deployment (SPEC §13); absent when MTS_REDIS_URL is not set. */
export interface RedisFacts {
  status: 'ok' | 'degraded';
  reason: string;
  detail: Record<string, unknown>;
}

/** Each may be sync or async; each may throw (the component then reports the error). */
export interface HealthProvider {
  redis?(): RedisFacts | Promise<RedisFacts>;
  scheduler?(): SchedulerFacts | undefined | Promise<SchedulerFacts | undefined>;
  sources?(): Partial<Record<SourceName, SourceFacts>> | Promise<Partial<Record<SourceName, SourceFacts>>>;
  paper?(): PaperFacts | undefined | Promise<PaperFacts | undefined>;
  /** The market streams; without it /health has no `streams` component. */
  streams?(): StreamHealthFacts[] | Promise<StreamHealthFacts[]>;
}

export interface CollectRequest {
  source: SourceName | 'all';
  assets?: string[];
}

export interface SignalsRequest {
  strategies?: string[];
  /** As-of time (epoch ms); default now. */
  at?: number;
}

/** Pausing and resuming strategies of the running signal step (a ConfigHolder in `mts run`). */
export interface StrategyControl {
  /** Known strategy names; an unknown one is a 404. */
  names(): string[];
  pause(name: string): void;
  /** False when the strategy was not paused. */
  resume(name: string): boolean;
  paused(): string[];
}

/** Work the POST routes start; the result (any JSON) is returned to the caller. */
export interface TriggerHandlers {
  collect?(req: CollectRequest): Promise<unknown>;
  signals?(req: SignalsRequest): Promise<unknown>;
  strategies?: StrategyControl;
  /** Reads the config file again (valid changes to live settings apply; an invalid file is rejected). */
  reloadConfig?(): Promise<{ ok: boolean; changed?: string[]; needsRestart?: string[]; error?: string }>;
}

/** The latest price of a symbol from a cache (Redis), when one is configured; undefined when it has none. */
export type PriceLookup = (symbol: string) => Promise<{ price: number; ts: number } | undefined>;
