/**
 * API budget accounting: calls per source per UTC day, as the item runs report them. Today's figures go to
 * `metrics.budgetCalls`; the day's totals are logged when the day turns; a warning says when the day's calls pass
 * the configured budget. Totals since start are kept for simulation reports.
 */
import type { Logger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { isoTime, utcDay } from '../core/time.js';

export class ApiBudget {
  private day = Number.NaN;
  private readonly todayCalls = new Map<string, number>();
  private readonly allCalls = new Map<string, number>();
  private warned = false;

  constructor(
    private readonly dailyBudget: number,
    private readonly log: Logger,
  ) {}

  /** Starts a day's count from figures already spent (e.g. stored call records after a restart). */
  seed(now: number, spent: Record<string, number>): void {
    this.roll(now);
    for (const [source, n] of Object.entries(spent)) this.bump(this.todayCalls, source, n);
    this.publish();
  }

  add(source: string, calls: number, now: number): void {
    this.roll(now);
    if (calls <= 0) return;
    this.bump(this.todayCalls, source, calls);
    this.bump(this.allCalls, source, calls);
    this.publish();
    const total = this.totalToday();
    if (!this.warned && total > this.dailyBudget) {
      this.warned = true;
      this.log.warn({ day: isoTime(this.day).slice(0, 10), calls: this.today(), total, budget: this.dailyBudget }, 'API calls today passed the daily budget');
    }
  }

  today(): Record<string, number> {
    return Object.fromEntries(this.todayCalls);
  }

  totalToday(): number {
    let n = 0;
    for (const v of this.todayCalls.values()) n += v;
    return n;
  }

  /** Calls per source since this budget was made. */
  totals(): Record<string, number> {
    return Object.fromEntries(this.allCalls);
  }

  private bump(map: Map<string, number>, source: string, n: number): void {
    map.set(source, (map.get(source) ?? 0) + n);
  }

  private roll(now: number): void {
    const day = utcDay(now);
    if (day === this.day) return;
    if (!Number.isNaN(this.day)) {
      this.log.info({ day: isoTime(this.day).slice(0, 10), calls: this.today(), total: this.totalToday(), budget: this.dailyBudget }, 'API calls of the day');
    }
    this.day = day;
    this.todayCalls.clear();
    this.warned = false;
    this.publish();
  }

  private publish(): void {
    metrics.budgetCalls.reset();
    for (const [source, n] of this.todayCalls) metrics.budgetCalls.set({ source }, n);
  }
}
