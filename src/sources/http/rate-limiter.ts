import type { Clock } from '../../core/clock.js';

export interface BucketLimits {
  /** The published limit: weight (or calls) per window. */
  limit: number;
  windowMs: number;
  /** Share of the limit MTS allows itself. */
  safetyFraction: number;
  /** The heaviest single call MTS makes to this source (e.g. Binance's exchangeInfo, 20). Default 1. */
  maxWeight?: number;
}

/** What the client stack asks of a rate limiter: this bucket in one process, or one shared by many (Redis). */
export interface Limiter {
  /** Waits until `weight` may be spent, then spends it. */
  take(weight?: number, signal?: AbortSignal): Promise<void>;
  /** Stops every taker until ms from now (Retry-After, a ban). */
  pause(ms: number): void;
}

/** The bucket's size and refill rate for published limits (the same for the local and the shared bucket). */
export function bucketShape(limits: BucketLimits): { capacity: number; refillPerMs: number } {
  const rate = limits.limit * limits.safetyFraction;
  const capacity = Math.max(1, Math.floor(limits.limit - rate));
  // A call heavier than the bucket would pass on a full bucket and leave it in debt, spending more than burst plus
  // refill inside one window. So the bucket holds the heaviest call, and the refill gives up what that costs.
  const heaviest = limits.maxWeight ?? 1;
  if (heaviest > capacity && heaviest < limits.limit) return { capacity: heaviest, refillPerMs: (limits.limit - heaviest) / limits.windowMs };
  return { capacity, refillPerMs: rate / limits.windowMs };
}

/**
 * A weight-aware token bucket on the injected Clock. It refills at `limit × safetyFraction` per window and holds
 * at most the headroom the safety fraction leaves (`limit × (1 − safetyFraction)`), so burst plus refill inside
 * any one window never exceeds the published limit, whether the remote counts a fixed or a rolling window.
 * Takers are served first come, first served.
 */
export class TokenBucket implements Limiter {
  readonly capacity: number;
  readonly refillPerMs: number;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limits: BucketLimits,
    private readonly clock: Clock,
  ) {
    const shape = bucketShape(limits);
    this.refillPerMs = shape.refillPerMs;
    this.capacity = shape.capacity;
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Waits until `weight` may be spent, then spends it. */
  take(weight = 1, signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitFor(weight, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Stops every taker until ms from now (the remote said Retry-After, or banned us for a while). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Tokens available now (for tests and the health page). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }

  private async waitFor(weight: number, signal?: AbortSignal): Promise<void> {
    // A call heavier than the bucket waits for a full bucket and leaves it in debt, which later takers repay.
    const need = Math.min(weight, this.capacity);
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now, signal);
        continue;
      }
      this.refill();
      if (this.tokens >= need) {
        this.tokens -= weight;
        return;
      }
      await this.clock.sleep(Math.max(1, Math.ceil((need - this.tokens) / this.refillPerMs)), signal);
    }
  }
}
