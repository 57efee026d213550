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

/** Each may be sync or async; each may throw (the component then reports the error). */
export interface HealthProvider {
  scheduler?(): SchedulerFacts | undefined | Promise<SchedulerFacts | undefined>;
  sources?(): Partial<Record<SourceName, SourceFacts>> | Promise<Partial<Record<SourceName, SourceFacts>>>;
  paper?(): PaperFacts | undefined | Promise<PaperFacts | undefined>;
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
