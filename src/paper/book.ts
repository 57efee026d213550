/**
 * The paper book: the shared execution simulator (src/execution) plus what paper trading keeps beside it (peak and
 * day-start equity for the risk limits, which alert opened each position). Its whole state is one JSON document
 * stored in paper_account.state, written in the same transaction as the fills and trades it produced, so the
 * database is the source of truth after any crash.
 */
import { utcDay } from '../core/time.js';
import type { PortfolioSnapshot } from '../core/types.js';
import { type CostModel, ExecutionSimulator, type ExecutionNote, type SimulatorState, type TradeRecord } from '../execution/index.js';
import type { PaperFillRow, PaperPositionRow, PaperTradeRow } from '../storage/repos/paper.js';

export interface BookState {
  version: 1;
  sim: SimulatorState;
  peakEquity: number;
  dayStartEquity: number;
  /** 00:00 UTC of the day dayStartEquity belongs to. */
  day: number;
  /** Engine time of the last change. */
  ts: number;
  /** Per open position: the alert and strategy that opened it. */
  openedBy: Record<string, { alertId: string | null; strategy: string | null }>;
}

/** What one operation on the book produced, ready to persist. */
export interface BookChanges {
  fills: PaperFillRow[];
  trades: PaperTradeRow[];
  notes: ExecutionNote[];
}

interface Before {
  side: number;
  entryTs: number;
}

export class PaperBook {
  private constructor(
    readonly sim: ExecutionSimulator,
    private peak: number,
    private dayStart: number,
    private day: number,
    private lastTs: number,
    private readonly openedBy: Map<string, { alertId: string | null; strategy: string | null }>,
  ) {}

  static create(symbols: readonly string[], cash: number, costs: CostModel, ts: number): PaperBook {
    return new PaperBook(new ExecutionSimulator(symbols, cash, costs), cash, cash, utcDay(ts), ts, new Map());
  }

  /** Restores a stored book; symbols added to the config since get a flat slot, costs follow the config. */
  static restore(json: string, symbols: readonly string[], costs: CostModel): PaperBook {
    const s = JSON.parse(json) as BookState;
    const sim = ExecutionSimulator.restore(withSymbols({ ...s.sim, costs: { ...costs } }, symbols));
    return new PaperBook(sim, s.peakEquity, s.dayStartEquity, s.day, s.ts, new Map(Object.entries(s.openedBy ?? {})));
  }

  state(): BookState {
    return {
      version: 1,
      sim: this.sim.state(),
      peakEquity: this.peak,
      dayStartEquity: this.dayStart,
      day: this.day,
      ts: this.lastTs,
      openedBy: Object.fromEntries(this.openedBy),
    };
  }

  get lastChange(): number {
    return this.lastTs;
  }

  /** Runs one operation on the simulator and returns the fills and trades it made (drained from the simulator); call `touch` after. */
  change(ts: number, alertId: string | null, strategy: string | null, op: (sim: ExecutionSimulator) => void): BookChanges {
    const sim = this.sim;
    const before: Before[] = [];
    for (let k = 0; k < sim.symbols.length; k++) before.push({ side: sim.side[k], entryTs: sim.entryTs[k] });
    op(sim);
    const changes: BookChanges = { fills: [], trades: [], notes: sim.notes.splice(0) };
    const closed = sim.drainTrades();
    const closedSymbols = new Set<string>();
    for (const t of closed) {
      closedSymbols.add(t.symbol);
      const by = this.openedBy.get(t.symbol);
      changes.trades.push(tradeRow(t, by?.alertId ?? null, by?.strategy ?? null));
      changes.fills.push({
        alertId,
        ts: t.exitTs ?? ts,
        symbol: t.symbol,
        side: t.side === 'LONG' ? 'SELL' : 'BUY',
        quantity: t.quantity,
        price: t.exitPrice ?? Number.NaN,
        // The simulator's own expression for the exit fee, so the fill matches its cash to the last bit.
        fee: (t.exitPrice ?? 0) * t.quantity * sim.costs.feeRate,
        reason: t.exitReason ?? 'signal',
      });
      this.openedBy.delete(t.symbol);
    }
    for (let k = 0; k < sim.symbols.length; k++) {
      const sym = sim.symbols[k];
      const entered = sim.side[k] !== 0 && (before[k].side === 0 || closedSymbols.has(sym) || before[k].entryTs !== sim.entryTs[k]);
      if (!entered) continue;
      this.openedBy.set(sym, { alertId, strategy });
      changes.fills.push({
        alertId,
        ts: sim.entryTs[k],
        symbol: sym,
        side: sim.side[k] > 0 ? 'BUY' : 'SELL',
        quantity: sim.qty[k],
        price: sim.entryPrice[k],
        fee: sim.entryFee[k],
        reason: 'entry',
      });
    }
    return changes;
  }

  /** Moves the peak and the day's starting equity on (the daily-loss limit restarts at 00:00 UTC). */
  touch(ts: number): void {
    const equity = this.sim.equity();
    if (equity > this.peak) this.peak = equity;
    const day = utcDay(ts);
    if (day > this.day) {
      this.day = day;
      this.dayStart = equity;
    }
    if (ts > this.lastTs) this.lastTs = ts;
  }

  snapshot(ts: number): PortfolioSnapshot {
    return this.sim.snapshot(ts, this.peak, this.dayStart);
  }

  positions(): PaperPositionRow[] {
    const sim = this.sim;
    const out: PaperPositionRow[] = [];
    for (let k = 0; k < sim.symbols.length; k++) {
      if (sim.side[k] === 0) continue;
      const by = this.openedBy.get(sim.symbols[k]);
      out.push({
        symbol: sim.symbols[k],
        side: sim.side[k] > 0 ? 'LONG' : 'SHORT',
        quantity: sim.qty[k],
        avgPrice: sim.entryPrice[k],
        entryTs: sim.entryTs[k],
        ...sim.brackets(k),
        strategy: by?.strategy ?? null,
        alertId: by?.alertId ?? null,
        fees: sim.entryFee[k],
      });
    }
    return out;
  }
}

function tradeRow(t: TradeRecord, alertId: string | null, strategy: string | null): PaperTradeRow {
  return {
    symbol: t.symbol,
    side: t.side,
    entryTs: t.entryTs,
    entryPrice: t.entryPrice,
    exitTs: t.exitTs ?? t.entryTs,
    exitPrice: t.exitPrice ?? t.entryPrice,
    quantity: t.quantity,
    pnl: t.pnl,
    fees: t.fees,
    exitReason: t.exitReason ?? 'signal',
    alertId,
    strategy,
  };
}

/** The simulator state re-indexed to a symbol list: kept symbols keep their slot values, new ones start flat. */
export function withSymbols(s: SimulatorState, symbols: readonly string[]): SimulatorState {
  const all = [...symbols];
  for (let i = 0; i < s.symbols.length; i++) {
    // A symbol dropped from the config while a position is open stays in the book until it is closed.
    if (!all.includes(s.symbols[i]) && (s.side[i] !== 0 || s.pendingKind[i] !== 0)) all.push(s.symbols[i]);
  }
  if (all.length === s.symbols.length && all.every((x, i) => x === s.symbols[i])) return s;
  const from = all.map((x) => s.symbols.indexOf(x));
  const pick = (arr: readonly (number | null)[], empty: number) => from.map((i) => (i < 0 ? empty : (arr[i] ?? Number.NaN)));
  return {
    ...s,
    symbols: all,
    side: pick(s.side, 0),
    qty: pick(s.qty, 0),
    entryPrice: pick(s.entryPrice, 0),
    entryTs: pick(s.entryTs, 0),
    entryFee: pick(s.entryFee, 0),
    stop: pick(s.stop, Number.NaN),
    target: pick(s.target, Number.NaN),
    mark: pick(s.mark, Number.NaN),
    pendingKind: pick(s.pendingKind, 0),
    pendingSize: pick(s.pendingSize, 0),
    pendingStop: pick(s.pendingStop, Number.NaN),
    pendingTarget: pick(s.pendingTarget, Number.NaN),
  };
}
