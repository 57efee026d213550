/**
 * A real-time clock that reads as if it had been started at another moment: time passes at the wall clock's pace
 * from `startAt`. `mts run --as-of` uses it to run the live pipeline over history (against a replaying or fake
 * source), where "now" must fall inside the data.
 */
import { type Clock, SystemClock } from '../core/clock.js';

export class ShiftedClock implements Clock {
  private readonly offset: number;
  private readonly wall = new SystemClock();

  constructor(startAt: number, wallNow = Date.now()) {
    this.offset = startAt - wallNow;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.wall.sleep(ms, signal);
  }
}
