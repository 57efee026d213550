/**
 * Closed trades kept as columns (typed arrays grown by doubling) rather than one object each. A long backtest
 * closes tens of thousands of trades that all live to the end of the run: as objects they survive the young
 * generation and are copied by every scavenge until promoted, which was the largest cost of a 1M-bar sma_cross run
 * after the arithmetic itself. As columns they are a few buffers; records are made only when asked for.
 */
import type { ExitReason, PositionSide } from '../core/types.js';
import type { TradeRecord } from './types.js';

const REASONS: readonly ExitReason[] = ['signal', 'stop_loss', 'take_profit', 'end_of_data', 'liquidation'];

/** The index of a reason in REASONS (compares interned strings: cheaper than hashing one per trade). */
function reasonCode(r: ExitReason): number {
  return r === 'signal' ? 0 : r === 'stop_loss' ? 1 : r === 'take_profit' ? 2 : r === 'end_of_data' ? 3 : 4;
}

export class TradeLog {
  length = 0;
  /** Symbol index (into `symbols`), side (+1 long, −1 short), exit reason (into REASONS). */
  private sym = new Int32Array(16);
  private side = new Int8Array(16);
  private reason = new Uint8Array(16);
  private entryTs = new Float64Array(16);
  private entryPrice = new Float64Array(16);
  private exitTs = new Float64Array(16);
  private exitPrice = new Float64Array(16);
  private quantity = new Float64Array(16);
  private pnls = new Float64Array(16);
  private fees = new Float64Array(16);

  constructor(private readonly symbols: readonly string[]) {}

  push(k: number, dir: number, entryTs: number, entryPrice: number, exitTs: number, exitPrice: number, quantity: number, pnl: number, fees: number, reason: ExitReason): void {
    const i = this.length;
    if (i === this.pnls.length) this.grow();
    this.sym[i] = k;
    this.side[i] = dir;
    this.reason[i] = reasonCode(reason);
    this.entryTs[i] = entryTs;
    this.entryPrice[i] = entryPrice;
    this.exitTs[i] = exitTs;
    this.exitPrice[i] = exitPrice;
    this.quantity[i] = quantity;
    this.pnls[i] = pnl;
    this.fees[i] = fees;
    this.length = i + 1;
  }

  /** A record as given (a restored state's trades; the symbol must be one of the log's). */
  pushRecord(t: TradeRecord): void {
    const k = this.symbols.indexOf(t.symbol);
    if (k < 0) throw new RangeError(`trade of ${t.symbol}, which is not one of the simulator's symbols (${this.symbols.join(', ')})`);
    this.push(k, t.side === 'LONG' ? 1 : -1, t.entryTs, t.entryPrice, t.exitTs ?? Number.NaN, t.exitPrice ?? Number.NaN, t.quantity, t.pnl, t.fees, t.exitReason ?? 'signal');
  }

  private grow(): void {
    const cap = this.pnls.length * 2;
    const more = <T extends Float64Array | Int32Array | Int8Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.sym = more(this.sym, (n) => new Int32Array(n));
    this.side = more(this.side, (n) => new Int8Array(n));
    this.reason = more(this.reason, (n) => new Uint8Array(n));
    this.entryTs = more(this.entryTs, (n) => new Float64Array(n));
    this.entryPrice = more(this.entryPrice, (n) => new Float64Array(n));
    this.exitTs = more(this.exitTs, (n) => new Float64Array(n));
    this.exitPrice = more(this.exitPrice, (n) => new Float64Array(n));
    this.quantity = more(this.quantity, (n) => new Float64Array(n));
    this.pnls = more(this.pnls, (n) => new Float64Array(n));
    this.fees = more(this.fees, (n) => new Float64Array(n));
  }

  /** Trade i as a record (a new object). */
  get(i: number): TradeRecord {
    const side: PositionSide = this.side[i] > 0 ? 'LONG' : 'SHORT';
    return {
      symbol: this.symbols[this.sym[i]],
      side,
      entryTs: this.entryTs[i],
      entryPrice: this.entryPrice[i],
      exitTs: this.exitTs[i],
      exitPrice: this.exitPrice[i],
      quantity: this.quantity[i],
      pnl: this.pnls[i],
      fees: this.fees[i],
      exitReason: REASONS[this.reason[i]],
    };
  }

  /** Every trade's net P&L in close order (a view: valid until the next push). */
  pnl(): Float64Array {
    return this.pnls.subarray(0, this.length);
  }

  /** Trades [from, length) as records. */
  records(from = 0): TradeRecord[] {
    const out: TradeRecord[] = [];
    for (let i = from; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  clear(): void {
    this.length = 0;
  }
}
