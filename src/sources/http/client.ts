import type { Clock } from '../../core/clock.js';
import { GiveUpError, isRetryable, MtsError, RetryableError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { CallAccounting } from './accounting.js';
import { type BackoffPolicy, backoffDelay, parseRetryAfter } from './backoff.js';
import { isOpenBreakerError, type SourceBreaker } from './breaker.js';
import type { Limiter } from './rate-limiter.js';

/** Why the timeout timer of an attempt is stopped once the attempt is over. */
const ANSWERED = 'answered';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export interface SourceClientOptions {
  source: string;
  clock: Clock;
  log: Logger;
  limiter: Limiter;
  breaker: SourceBreaker;
  accounting: CallAccounting;
  timeoutMs: number;
  retry: BackoffPolicy & { maxAttempts: number };
  /** Headers sent with every request (e.g. an API key header). */
  headers?: Record<string, string>;
  /** Values never to put in a message (keys that travel in a query string or header). */
  secrets?: readonly string[];
  fetch?: FetchLike;
  random?: () => number;
}

export interface CallOptions {
  /** Label for accounting and metrics, without ids or query (default: the URL path). */
  endpoint?: string;
  /** Request weight the source charges (Binance); 1 otherwise. */
  weight?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The one HTTP client stack every source goes through: rate limiter → circuit breaker → fetch with a timeout →
 * classification of the answer, with retries (exponential backoff, jitter, Retry-After) around it and every
 * attempt accounted. Messages name the source and the URL path only: never the query string, never a key.
 */
export class SourceClient {
  readonly source: string;
  private readonly fetchImpl: FetchLike;
  private readonly random: () => number;

  constructor(private readonly o: SourceClientOptions) {
    this.source = o.source;
    this.fetchImpl = o.fetch ?? ((url, init) => fetch(url, init));
    this.random = o.random ?? Math.random;
  }

  get breaker(): SourceBreaker {
    return this.o.breaker;
  }

  /** GETs a JSON document; `parse` checks its shape (a throw there counts as a malformed body, which is retried). */
  async getJson<T = unknown>(url: string | URL, opts: CallOptions = {}, parse?: (body: unknown) => T): Promise<T> {
    const u = typeof url === 'string' ? new URL(url) : url;
    const { maxAttempts } = this.o.retry;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.o.breaker.fire(() => this.attempt(u, opts, parse));
      } catch (raw) {
        if (isOpenBreakerError(raw)) {
          throw new RetryableError('E_CIRCUIT_OPEN', `${this.source}: circuit open after repeated failures; not calling ${u.pathname}`, {
            retryAfterMs: this.o.breaker.settings.resetTimeoutMs,
          });
        }
        const err = raw instanceof MtsError ? raw : new RetryableError('E_NETWORK', `${this.source} GET ${u.pathname}: ${this.scrub(String(raw))}`);
        if (!isRetryable(err) || attempt + 1 >= maxAttempts || opts.signal?.aborted) throw err;
        const retryAfter = (err as RetryableError).retryAfterMs;
        if (retryAfter !== undefined) this.o.limiter.pause(retryAfter);
        const delay = backoffDelay(attempt, this.o.retry, retryAfter, this.random);
        this.o.log.debug({ source: this.source, path: u.pathname, code: err.code, attempt: attempt + 1, delayMs: delay }, 'retrying');
        await this.o.clock.sleep(delay, opts.signal);
      }
    }
  }

  private scrub(text: string): string {
    let out = text;
    for (const s of this.o.secrets ?? []) if (s.length >= 4) out = out.split(s).join('***');
    return out;
  }

  private async attempt<T>(u: URL, opts: CallOptions, parse?: (body: unknown) => T): Promise<T> {
    const weight = opts.weight ?? 1;
    await this.o.limiter.take(weight, opts.signal);
    const endpoint = opts.endpoint ?? u.pathname;
    const where = `${this.source} GET ${u.pathname}`;
    const started = this.o.clock.now();
    const account = (status: number, error: string | null) =>
      this.o.accounting.record({ ts: started, source: this.source, endpoint, status, latencyMs: this.o.clock.now() - started, weight, error });

    const abort = new AbortController();
    const stopTimer = new AbortController();
    const timedOut = this.o.clock.sleep(this.o.timeoutMs, stopTimer.signal).then(
      () => abort.abort(new RetryableError('E_TIMEOUT', `${where}: no answer within ${this.o.timeoutMs} ms`)),
      () => undefined,
    );
    const onCallerAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let status = 0;
    try {
      const res = await this.fetchImpl(u.toString(), { method: 'GET', headers: { accept: 'application/json', ...this.o.headers, ...opts.headers }, signal: abort.signal });
      status = res.status;
      const text = await res.text();
      const failure = this.classify(res, text, where);
      if (failure) throw failure;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new RetryableError('E_MALFORMED', `${where}: the body is not valid JSON (${text.length} bytes)`);
      }
      const value = parse ? this.checkShape(body, parse, where) : (body as T);
      account(status, null);
      return value;
    } catch (raw) {
      let err: unknown = raw;
      if (abort.signal.aborted && abort.signal.reason instanceof MtsError) err = abort.signal.reason;
      else if (!(raw instanceof MtsError)) err = new RetryableError('E_NETWORK', `${where}: ${this.scrub(describeNetworkError(raw))}`);
      account(status, (err as MtsError).code ?? 'E_NETWORK');
      throw err;
    } finally {
      // a plain reason: without one, abort() builds a DOMException (and its stack) on every call
      stopTimer.abort(ANSWERED);
      opts.signal?.removeEventListener('abort', onCallerAbort);
      await timedOut;
    }
  }

  private checkShape<T>(body: unknown, parse: (body: unknown) => T, where: string): T {
    try {
      return parse(body);
    } catch (err) {
      throw new RetryableError('E_MALFORMED', `${where}: unexpected body shape: ${this.scrub((err as Error).message)}`);
    }
  }

  private classify(res: Response, text: string, where: string): MtsError | undefined {
    const s = res.status;
    if (s >= 200 && s < 300) return undefined;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.o.clock.now());
    if (s === 429 || s === 418) {
      return new RetryableError('E_RATE_LIMITED', `${where}: rate limited (${s})`, { retryAfterMs: retryAfterMs ?? (s === 418 ? 60_000 : undefined) });
    }
    if (s >= 500 || s === 408) return new RetryableError('E_HTTP_5XX', `${where}: server error ${s}`, { retryAfterMs });
    const detail = this.scrub(text.replace(/\s+/g, ' ').slice(0, 200));
    return new GiveUpError('E_HTTP_4XX', `${where}: refused with ${s}${detail ? `: ${detail}` : ''}`, { status: s });
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError') return 'aborted';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
