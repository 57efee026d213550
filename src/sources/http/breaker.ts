import CircuitBreaker from 'opossum';
import { ErrorKind, MtsError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { metrics } from '../../core/metrics.js';

export interface BreakerSettings {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export type BreakerState = 'closed' | 'half-open' | 'open';
const GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Whether a failure says the source is unwell. A refusal (other 4xx) or a rate-limit answer (429/418) is about
 * our request or our pace, not the source's health, so it does not count towards opening the breaker.
 */
function isSourceFault(err: unknown): boolean {
  if (!(err instanceof MtsError)) return true;
  if (err.kind === ErrorKind.GiveUp) return false;
  return err.code !== 'E_RATE_LIMITED';
}

/** One circuit breaker per source (opossum), its state mirrored into metrics.circuitState and the log. */
export class SourceBreaker {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(
    readonly source: string,
    readonly settings: BreakerSettings,
    log: Logger,
  ) {
    this.breaker = new CircuitBreaker((task: () => Promise<unknown>) => task(), {
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: settings.rollingCountTimeoutMs,
      rollingCountBuckets: 10,
      errorFilter: (err: unknown) => !isSourceFault(err),
    });
    const set = (state: BreakerState) => {
      metrics.circuitState.set({ source }, GAUGE[state]);
      const msg = `${source} circuit ${state}`;
      if (state === 'open') log.warn({ source, state }, msg);
      else log.info({ source, state }, msg);
    };
    this.breaker.on('open', () => set('open'));
    this.breaker.on('halfOpen', () => set('half-open'));
    this.breaker.on('close', () => set('closed'));
    metrics.circuitState.set({ source }, 0);
  }

  get state(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  get isOpen(): boolean {
    return this.breaker.opened;
  }

  /** Runs task through the breaker; rejects at once with an Error whose code is EOPENBREAKER when open. */
  fire<T>(task: () => Promise<T>): Promise<T> {
    return this.breaker.fire(task) as Promise<T>;
  }

  /** Stops opossum's rolling-window timer. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}

export function isOpenBreakerError(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'EOPENBREAKER';
}
