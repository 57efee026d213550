/**
 * The equity marks the halts are measured from, kept the same way by every caller (backtest, paper trader):
 * the peak of marked equity (drawdown), the equity at the first mark of the UTC day — the 00:00 UTC mark when
 * equity is marked at hourly closes (daily loss) — and the lowest mark since then. Once the day's low has been more
 * than dailyLossLimit below the day's start, entries stay halted for the rest of the day even if equity recovers:
 * the limit is a loss budget per day, and it is renewed at 00:00 UTC.
 */
import { utcDay } from '../core/time.js';

export interface EquityMarks {
  /** 00:00 UTC of the day the marks belong to. */
  day: number;
  peakEquity: number;
  dayStartEquity: number;
  dayLowEquity: number;
}

export function startMarks(ts: number, equity: number): EquityMarks {
  return { day: utcDay(ts), peakEquity: equity, dayStartEquity: equity, dayLowEquity: equity };
}

/** The marks after equity is marked at `ts` (ts never goes back). A new UTC day starts from this mark; NaN is skipped. */
export function markEquity(m: EquityMarks, ts: number, equity: number): EquityMarks {
  // A mark that is not a number (a missing price) must not poison the peak or the day's low.
  if (!Number.isFinite(equity)) return m;
  const day = utcDay(ts);
  const peakEquity = Math.max(equity, m.peakEquity);
  if (day !== m.day) return { day, peakEquity, dayStartEquity: equity, dayLowEquity: equity };
  return { day, peakEquity, dayStartEquity: m.dayStartEquity, dayLowEquity: Math.min(equity, m.dayLowEquity) };
}
