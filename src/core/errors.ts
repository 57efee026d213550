/**
 * The error taxonomy: every error MTS raises on purpose carries a stable code and a kind that tells the caller
 * what to do about it (Freqtrade's OperationalException / TemporaryError split, made explicit).
 */
export const ErrorKind = {
  /** Try again later: network trouble, 429, 5xx, a lock held by someone else. */
  Retry: 'retry',
  /** Give up on this item: the remote said no for good (4xx), the data is not there. */
  GiveUp: 'give_up',
  /** Fix the configuration or the command line; nothing will work until then. */
  Config: 'config',
  /** Fix the input (a file, a row, an alert); the rest goes on. */
  Input: 'input',
  /** A bug or an invariant broken inside MTS. */
  Internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class MtsError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export class ConfigError extends MtsError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(ErrorKind.Config, code, message, details);
  }
}

export class InputError extends MtsError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(ErrorKind.Input, code, message, details);
  }
}

export class RetryableError extends MtsError {
  /** How long the remote asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, opts: { retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(ErrorKind.Retry, code, message, opts.details, { cause: opts.cause });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export class GiveUpError extends MtsError {
  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(ErrorKind.GiveUp, code, message, details, options);
  }
}

export class InternalError extends MtsError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(ErrorKind.Internal, code, message, details);
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof MtsError && err.kind === ErrorKind.Retry;
}

/** Process exit codes of SPEC §3. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, Partial: 3 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof MtsError && (err.kind === ErrorKind.Config || err.kind === ErrorKind.Input)) return ExitCode.Usage;
  return ExitCode.Failure;
}
