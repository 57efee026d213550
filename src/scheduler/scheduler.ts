/**
 * The scheduler loop (SPEC §6) on an injected Clock. Items run through an injected ItemRunner, one at a time per
 * source (a lane per source, so a slow or failing source never delays another), at their next slot. State is
 * stored after every run, so a restart resumes where the last process stopped: an item whose slots were missed
 * runs once at start over the whole missed range (one request where the API allows), never once per missed tick.
 * A failing item backs off exponentially up to a cap, shows as unhealthy, and keeps running.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { isoTime } from '../core/time.js';
import type { SchedulerItemState } from '../storage/repos/ops.js';
import { backoffDelay } from './backoff.js';
import { ApiBudget } from './budget.js';
import { FreshnessTracker } from './freshness.js';
import type { ItemSource, ScheduleItem, Timing } from './items.js';
import { initialDataUntil, lagAt, nextSlot, type RunRange, wantedRange } from './timing.js';

/** What an item run reports back. `until`: data now stored up to (exclusive), or null when unknown. */
export interface RunOutcome {
  stored: number;
  until: number | null;
  signals?: number;
  alerts?: number;
}

export interface RunContext {
  signal: AbortSignal;
  /** Reports API calls as they are spent (failed runs spend calls too). */
  countCalls(calls: number): void;
}

/** Runs one item over a range: collects candles or observations, or generates signals. */
export type ItemRunner = (item: ScheduleItem, range: RunRange, ctx: RunContext) => Promise<RunOutcome>;

/** Where the scheduler keeps its state (store.ops satisfies it). */
export interface SchedulerStateStore {
  getSchedulerState(item: string): Promise<SchedulerItemState | undefined>;
  putSchedulerState(s: SchedulerItemState, now?: number): Promise<void>;
}

export interface SchedulerOptions {
  items: readonly ScheduleItem[];
  runner: ItemRunner;
  state: SchedulerStateStore;
  clock: Clock;
  log: Logger;
  timing: Timing;
  dailyBudget: number;
  /**
   * Calls made so far per source, from the client stack's accounting. When given, the budget follows it (exact
   * even when a fallback spends another source's calls); otherwise it adds what runners report with countCalls.
   */
  callTotals?: () => Record<string, number>;
  /**
   * Longest a lane sleeps before it wakes to look again (and mark `lastTick`), so a health check can tell a
   * sleeping loop from a dead one. Unset: lanes sleep until their next item (simulations).
   */
  heartbeatMs?: number;
  /** Where stored data ends for an item with no state yet (e.g. the latest stored candle + one step). */
  storedUntil?: (item: ScheduleItem) => Promise<number | null>;
  /**
   * One lane per source (default: this process paces each source) or per item (distributed: workers run items
   * side by side and the shared rate limits pace each source).
   */
  laneBy?: 'source' | 'item';
}

export type ItemStatus = 'ok' | 'pending' | 'unhealthy';

export interface ItemHealth {
  item: string;
  source: ItemSource;
  status: ItemStatus;
  failures: number;
  lastRun: number | null;
  lastSuccess: number | null;
  lastError: string | null;
  nextRun: number | null;
  dataUntil: number | null;
  lagMs: number;
}

export interface SchedulerTotals {
  runs: number;
  failures: number;
  stored: number;
  signals: number;
  alerts: number;
}

export class Scheduler {
  readonly budget: ApiBudget;
  readonly freshness = new FreshnessTracker();
  readonly totals: SchedulerTotals = { runs: 0, failures: 0, stored: 0, signals: 0, alerts: 0 };
  private readonly states = new Map<string, SchedulerItemState>();
  private readonly stopLoops = new AbortController();
  private readonly abortRuns = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private lanes: Promise<void> | undefined;
  private lastTotals: Record<string, number> = {};
  /** When a lane last went round (woke, or ran an item). */
  lastTick: number;

  constructor(private readonly o: SchedulerOptions) {
    this.budget = new ApiBudget(o.dailyBudget, o.log);
    this.lastTick = o.clock.now();
  }

  get items(): readonly ScheduleItem[] {
    return this.o.items;
  }

  /** Loads each item's state; a slot missed while the process was down becomes due now (one catch-up run). */
  async load(): Promise<void> {
    const now = this.o.clock.now();
    for (const item of this.o.items) {
      const stored = await this.o.state.getSchedulerState(item.id);
      const st: SchedulerItemState = stored ?? { item: item.id, lastRun: null, lastSuccess: null, lastError: null, failures: 0, nextRun: null, dataUntil: null };
      if (st.dataUntil === null && this.o.storedUntil) st.dataUntil = await this.o.storedUntil(item);
      // Fixed once, so an item that keeps failing from its first run still catches up from the same point.
      st.dataUntil ??= initialDataUntil(item, now, this.o.timing);
      // A pending backoff is kept; anything else overdue runs now.
      if (st.nextRun === null || st.nextRun < now) st.nextRun = now;
      this.states.set(item.id, st);
    }
  }

  /** Runs the lanes until stop(); resolves when every lane has ended and state is stored. */
  start(): Promise<void> {
    if (this.states.size !== this.o.items.length) throw new Error('Scheduler.load() must run before start()');
    const lanes = new Map<string, ScheduleItem[]>();
    const laneOf = (item: ScheduleItem): string => (this.o.laneBy === 'item' ? item.id : item.source);
    for (const item of this.o.items) lanes.set(laneOf(item), [...(lanes.get(laneOf(item)) ?? []), item]);
    this.lanes = Promise.all([...lanes.values()].map((items) => this.lane(items))).then(() => undefined);
    return this.lanes;
  }

  /**
   * Stops taking new work; in-flight runs get `graceMs` to finish, then their AbortSignal fires (requests are
   * abandoned, nothing half-stored is counted). Resolves when every lane has ended.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopLoops.abort(new Error('scheduler stopping'));
    if (this.inFlight.size > 0 && graceMs > 0) {
      const timer = new AbortController();
      await Promise.race([Promise.allSettled([...this.inFlight]), this.o.clock.sleep(graceMs, timer.signal).catch(() => undefined)]);
      timer.abort();
    }
    this.abortRuns.abort(new Error('scheduler stopped; in-flight work abandoned'));
    await this.lanes;
  }

  get running(): number {
    return this.inFlight.size;
  }

  state(item: string): SchedulerItemState | undefined {
    const s = this.states.get(item);
    return s ? { ...s } : undefined;
  }

  health(now = this.o.clock.now()): ItemHealth[] {
    return this.o.items.map((item) => {
      const s = this.states.get(item.id) as SchedulerItemState;
      const status: ItemStatus = s.failures > 0 ? 'unhealthy' : s.lastSuccess === null ? 'pending' : 'ok';
      return { item: item.id, source: item.source, status, failures: s.failures, lastRun: s.lastRun, lastSuccess: s.lastSuccess, lastError: s.lastError, nextRun: s.nextRun, dataUntil: s.dataUntil, lagMs: lagAt(item, s.dataUntil, now, this.o.timing) };
    });
  }

  /** Samples every item's lag now (the end of a simulation, a health check). */
  sampleFreshness(now = this.o.clock.now()): void {
    for (const item of this.o.items) if (item.kind !== 'signals') this.freshness.sample(item.id, lagAt(item, this.states.get(item.id)?.dataUntil ?? null, now, this.o.timing));
  }

  private async lane(items: ScheduleItem[]): Promise<void> {
    const stop = this.stopLoops.signal;
    while (!stop.aborted) {
      let item = items[0];
      for (const it of items) if ((this.states.get(it.id)?.nextRun ?? 0) < (this.states.get(item.id)?.nextRun ?? 0)) item = it;
      this.lastTick = this.o.clock.now();
      const wait = (this.states.get(item.id)?.nextRun ?? 0) - this.o.clock.now();
      if (wait > 0) {
        try {
          await this.o.clock.sleep(this.o.heartbeatMs ? Math.min(wait, this.o.heartbeatMs) : wait, stop);
        } catch {
          break;
        }
        continue;
      }
      metrics.schedulerTicks.inc();
      const run = this.runItem(item);
      this.inFlight.add(run);
      await run;
      this.inFlight.delete(run);
    }
  }

  private async runItem(item: ScheduleItem): Promise<void> {
    const st = this.states.get(item.id) as SchedulerItemState;
    const t = this.o.timing;
    const started = this.o.clock.now();
    metrics.schedulerLag.set({ item: item.id }, Math.max(0, started - (st.nextRun ?? started)) / 1000);
    if (item.kind !== 'signals') this.freshness.sample(item.id, lagAt(item, st.dataUntil, started, t));
    const range = wantedRange(item, started, st.dataUntil, t);
    if (!range) {
      // Nothing can be new yet (a weekend for FRED, a series already up to date): no call is spent.
      st.nextRun = nextSlot(item, started, t);
      await this.persist(st);
      return;
    }
    st.lastRun = started;
    let calls = 0;
    const ctx: RunContext = { signal: this.abortRuns.signal, countCalls: (n) => (calls += n) };
    try {
      const out = await this.o.runner(item, range, ctx);
      const now = this.o.clock.now();
      if (out.until !== null && (st.dataUntil === null || out.until > st.dataUntil)) st.dataUntil = out.until;
      st.failures = 0;
      st.lastError = null;
      st.lastSuccess = now;
      st.nextRun = nextSlot(item, now, t);
      this.totals.runs++;
      this.totals.stored += out.stored;
      this.totals.signals += out.signals ?? 0;
      this.totals.alerts += out.alerts ?? 0;
      this.o.log.info({ item: item.id, from: isoTime(range.from), to: isoTime(range.to), stored: out.stored, calls, callsToday: this.budget.totalToday() + calls }, 'item ran');
    } catch (err) {
      const now = this.o.clock.now();
      const message = err instanceof Error ? err.message : String(err);
      if (this.abortRuns.signal.aborted) {
        // Abandoned by shutdown: not a failure; the next start runs it again from what is stored.
        st.nextRun = now;
        this.o.log.info({ item: item.id }, 'in-flight run abandoned at shutdown');
      } else {
        st.failures += 1;
        st.lastError = message;
        st.nextRun = now + backoffDelay(st.failures, t.backoff);
        this.totals.failures++;
        this.o.log.warn({ item: item.id, failures: st.failures, retryAt: isoTime(st.nextRun), calls, err: message }, 'item failed; backing off');
      }
    } finally {
      this.countCalls(item, calls);
    }
    const after = this.o.clock.now();
    if (item.kind !== 'signals') this.freshness.sample(item.id, lagAt(item, st.dataUntil, after, t));
    if (st.dataUntil !== null) metrics.dataFreshness.set({ item: item.id }, Math.max(0, after - st.dataUntil) / 1000);
    await this.persist(st);
  }

  private countCalls(item: ScheduleItem, reported: number): void {
    const now = this.o.clock.now();
    if (!this.o.callTotals) {
      this.budget.add(item.source, reported, now);
      return;
    }
    const totals = this.o.callTotals();
    for (const [source, n] of Object.entries(totals)) this.budget.add(source, n - (this.lastTotals[source] ?? 0), now);
    this.lastTotals = { ...totals };
  }

  private async persist(st: SchedulerItemState): Promise<void> {
    try {
      await this.o.state.putSchedulerState(st, this.o.clock.now());
    } catch (err) {
      // The next run stores it again; the data itself is already stored idempotently.
      this.o.log.error({ item: st.item, err: (err as Error).message }, 'could not store scheduler state');
    }
  }
}
