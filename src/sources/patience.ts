import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { isRetryable, type RetryableError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { backoffDelay } from './http/backoff.js';

/**
 * Runs one unit of long work (a backfill page) and, when it fails in a way worth waiting out (the client's retries
 * spent, or the breaker open), waits and tries again up to `sources.pageRetries` times. Long jobs survive a source's
 * bad minute; short ones (collect) do not use this and fall back instead.
 */
export async function patiently<T>(what: string, fn: () => Promise<T>, deps: { config: Config; clock: Clock; log: Logger; signal?: AbortSignal }): Promise<T> {
  const { pageRetries, retry } = deps.config.sources;
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || i >= pageRetries || deps.signal?.aborted) throw err;
      const wait = (err as RetryableError).retryAfterMs ?? backoffDelay(i + 2, retry);
      deps.log.warn({ what, code: (err as RetryableError).code, attempt: i + 1, waitMs: wait }, `${what}: ${(err as Error).message}; trying again`);
      await deps.clock.sleep(wait, deps.signal);
    }
  }
}
