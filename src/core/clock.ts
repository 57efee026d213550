/**
 * The one clock. Everything that asks "what time is it" or waits goes through a Clock, so the scheduler, the
 * paper trader and the backtester run the same code on a virtual clock in tests and simulations.
 */
export interface Clock {
  now(): number;
  /** Resolves after ms of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

/** A clock that moves only when told to. Sleepers wake in due order as `advance`/`runUntil` pass their time. */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Moves to ts without waking anyone (for replays that drive time themselves). */
  set(ts: number): void {
    if (ts < this.t) throw new Error(`VirtualClock cannot go back from ${this.t} to ${ts}`);
    this.t = ts;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(abortError(signal as AbortSignal));
      };
      // the listener goes when the timer fires, so a long-lived signal does not collect one per sleep
      const timer: Timer = {
        due: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of sleepers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** The time the next sleeper wakes, or undefined. */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const x of this.timers) if (best === undefined || x.due < best) best = x.due;
    return best;
  }

  /** Advances by ms, waking sleepers in time order and letting their continuations run before moving on. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(this.t + ms);
  }

  async runUntil(target: number): Promise<void> {
    for (;;) {
      await flushMicrotasks();
      let next: Timer | undefined;
      for (const x of this.timers) {
        if (x.due <= target && (!next || x.due < next.due || (x.due === next.due && x.seq < next.seq))) next = x;
      }
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      if (next.due > this.t) this.t = next.due;
      next.resolve();
    }
    if (target > this.t) this.t = target;
    await flushMicrotasks();
  }
}

/** Lets pending promise chains and I/O callbacks run (a macrotask turn). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
