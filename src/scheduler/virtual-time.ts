/**
 * Driving a VirtualClock while real I/O happens: the clock jumps to the next sleeper only once every HTTP request
 * in flight has been answered and the work it woke has settled, so a simulated day takes the requests it would
 * take in real time, in the same order, and no timeout fires because the clock ran ahead of a socket.
 */
import { type Clock, flushMicrotasks, type VirtualClock } from '../core/clock.js';

/** The fetch the source clients use, wrapped to count requests in flight (body read included). */
export type FetchFn = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export function trackedFetch(base: FetchFn = (url, init) => fetch(url, init)): { fetch: FetchFn; inFlight: () => number } {
  let n = 0;
  const tracked: FetchFn = async (url, init) => {
    n++;
    try {
      const res = await base(url, init);
      const body = await res.arrayBuffer();
      const empty = res.status === 204 || res.status === 304;
      return new Response(empty ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      n--;
    }
  };
  return { fetch: tracked, inFlight: () => n };
}

/**
 * The clock handed to the work a run does (sources, limiters, retries), counting its pending sleeps: a run with
 * no request in flight is either computing (busy) or asleep on virtual time (waiting for the clock to move).
 */
export class SleepCountingClock implements Clock {
  private n = 0;
  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  get sleeping(): number {
    return this.n;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.n++;
    try {
      await this.inner.sleep(ms, signal);
    } finally {
      this.n--;
    }
  }
}

export interface DriveOptions {
  /** True while real work is under way (requests in flight). */
  busy: () => boolean;
  /** Real milliseconds to wait for busy work before letting virtual time move anyway (a hung request's timeout). */
  stallMs?: number;
}

async function settle(o: DriveOptions): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  while (quiet < 3) {
    await flushMicrotasks();
    if (o.busy()) {
      quiet = 0;
      if (Date.now() - started > (o.stallMs ?? 60_000)) return;
      await new Promise((r) => setImmediate(r));
    } else quiet++;
  }
}

/** Advances the clock sleeper by sleeper up to `until`, settling real work before each step. */
export async function driveUntil(clock: VirtualClock, until: number, o: DriveOptions): Promise<void> {
  for (;;) {
    await settle(o);
    const next = clock.nextDue();
    if (next === undefined || next > until) break;
    await clock.runUntil(next);
  }
  if (until > clock.now()) await clock.runUntil(until);
  await settle(o);
}
