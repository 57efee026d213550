/**
 * The one execution simulator (SPEC §10), shared by the backtester and the paper trader. It is driven bar by bar
 * (`onBar`, or the four steps `markOpen` → `fillPending` → `checkBrackets` → `markClose` when several symbols share
 * a timestamp) or price by price (`onBar` with o = h = l = c, `executeNow`), and its whole state is a plain object
 * (`state()` / `ExecutionSimulator.restore`).
 *
 * Rules (docs/backtest.md):
 * - A market order submitted at a bar's close fills at the next bar's open: a buy at open × (1 + slippage), a sell
 *   at open × (1 − slippage). An entry of size s buys quantity = s × equity / (fill price × (1 + fee rate)), equity
 *   being cash plus positions marked at the latest price (the fill bar's open for symbols that have one).
 * - Every fill pays fee = fill price × quantity × fee rate.
 * - Brackets are checked against every bar from the fill bar on, after that bar's open: an open already beyond the
 *   stop (or the target) fills at the open; otherwise a low/high touching the stop fills at the stop, else one
 *   touching the target fills at the target; when both are touched within the bar the stop wins. Stops are market
 *   orders (slippage applies); targets are limit orders (no slippage). Both pay the taker fee.
 * - Shorts are margin-free: the sale adds its proceeds less the fee to cash, and the position is a liability
 *   marked at the price. Equity = cash + Σ long qty × price − Σ short qty × price.
 * - Cash never goes negative: a buy larger than the cash is reduced to what the cash pays for (noted), and one
 *   that cannot buy anything is rejected (noted). A short cover costing more than the cash is a blown account: the
 *   position is closed, cash is set to 0 and the deficit is recorded as `shortfall`.
 * - One position per symbol: a LONG while long is ignored, a LONG while short reverses (cover, then buy).
 */
import type { ExitReason, MarkedPosition, PortfolioSnapshot } from '../core/types.js';
import { type CostModel, slippageFor } from './costs.js';
import { TradeLog } from './trade-log.js';
import type { ExecutionNote, SimulatorState, TradeRecord } from './types.js';

export type { ExecutionNote, SimulatorState, TradeRecord };

/** What a pending order does; numeric so the hot loop stores it in an Int8Array. */
export const OrderKind = { None: 0, Long: 1, Short: -1, Close: 2 } as const;
export type OrderKind = (typeof OrderKind)[keyof typeof OrderKind];

/** NaN encodes "no stop / no target" in the typed arrays. */
const toNum = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);
const toNullable = (v: number): number | null => (Number.isNaN(v) ? null : v);

export class ExecutionSimulator {
  readonly symbols: readonly string[];
  readonly costs: CostModel;
  readonly initialCash: number;
  cash: number;
  fees = 0;
  realizedPnl = 0;
  /** Σ fill price × quantity over every fill (for turnover). */
  tradedNotional = 0;
  /** Deficits written off when a short cover cost more than the cash. */
  shortfall = 0;
  /** Closed trades in the order they closed, as columns (see trade-log.ts; `trades` gives them as records). */
  private readonly log: TradeLog;
  private records: TradeRecord[] = [];
  readonly notes: ExecutionNote[] = [];

  // Per-symbol state, indexed like `symbols`.
  readonly side: Int8Array;
  readonly qty: Float64Array;
  readonly entryPrice: Float64Array;
  readonly entryTs: Float64Array;
  readonly entryFee: Float64Array;
  readonly stop: Float64Array;
  readonly target: Float64Array;
  readonly mark: Float64Array;
  readonly pendingKind: Int8Array;
  readonly pendingSize: Float64Array;
  readonly pendingStop: Float64Array;
  readonly pendingTarget: Float64Array;
  private readonly index = new Map<string, number>();

  constructor(symbols: readonly string[], cash: number, costs: CostModel) {
    if (!(cash > 0) || !Number.isFinite(cash)) throw new RangeError(`starting cash must be a positive number, got ${cash}`);
    this.symbols = [...symbols];
    this.costs = { ...costs };
    this.initialCash = cash;
    this.cash = cash;
    const n = symbols.length;
    this.side = new Int8Array(n);
    this.qty = new Float64Array(n);
    this.entryPrice = new Float64Array(n);
    this.entryTs = new Float64Array(n);
    this.entryFee = new Float64Array(n);
    this.stop = new Float64Array(n).fill(Number.NaN);
    this.target = new Float64Array(n).fill(Number.NaN);
    this.mark = new Float64Array(n).fill(Number.NaN);
    this.pendingKind = new Int8Array(n);
    this.pendingSize = new Float64Array(n);
    this.pendingStop = new Float64Array(n).fill(Number.NaN);
    this.pendingTarget = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < symbols.length; i++) this.index.set(symbols[i], i);
    this.log = new TradeLog(this.symbols);
  }

  /** Closed trades in the order they closed, as records (made on first use after a trade closes; do not modify). */
  get trades(): readonly TradeRecord[] {
    if (this.records.length !== this.log.length) this.records = this.records.concat(this.log.records(this.records.length));
    return this.records;
  }

  /** How many trades have closed. */
  get tradeCount(): number {
    return this.log.length;
  }

  /** Closed trade i as a record. */
  trade(i: number): TradeRecord {
    return this.log.get(i);
  }

  /** Every closed trade's net P&L in close order (a view, valid until the next trade closes). */
  tradePnls(): Float64Array {
    return this.log.pnl();
  }

  /** The closed trades, removed from the simulator (the paper trader stores them as they close). */
  drainTrades(): TradeRecord[] {
    const out = this.log.records();
    this.log.clear();
    this.records = [];
    return out;
  }

  /** The index of a symbol, or -1. */
  indexOf(symbol: string): number {
    return this.index.get(symbol) ?? -1;
  }

  /** Cash plus positions marked at the latest price (long adds, short subtracts). */
  equity(): number {
    let e = this.cash;
    for (let k = 0; k < this.side.length; k++) if (this.side[k] !== 0) e += this.side[k] * this.qty[k] * this.mark[k];
    return e;
  }

  /** Any position open. */
  inMarket(): boolean {
    for (let k = 0; k < this.side.length; k++) if (this.side[k] !== 0) return true;
    return false;
  }

  /** Queues a market order to fill at symbol k's next bar open; a later submit for the same symbol replaces it. */
  submit(k: number, kind: OrderKind, size: number, stopLoss: number | null, takeProfit: number | null): void {
    this.pendingKind[k] = kind;
    this.pendingSize[k] = size;
    this.pendingStop[k] = toNum(stopLoss);
    this.pendingTarget[k] = toNum(takeProfit);
  }

  cancel(k: number): void {
    this.pendingKind[k] = OrderKind.None;
  }

  /** One whole bar of one symbol: fill queued orders at the open, brackets over the range, mark at the close. */
  onBar(k: number, ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.mark[k] = open;
    if (this.pendingKind[k] !== OrderKind.None) this.fillPending(k, ts, open, volume);
    if (this.side[k] !== 0) this.checkBrackets(k, ts, open, high, low, volume);
    this.mark[k] = close;
  }

  markOpen(k: number, open: number): void {
    this.mark[k] = open;
  }

  markClose(k: number, close: number): void {
    this.mark[k] = close;
  }

  /** Fills the queued order of symbol k at this bar's open. */
  fillPending(k: number, ts: number, open: number, volume: number): void {
    const kind = this.pendingKind[k] as OrderKind;
    if (kind === OrderKind.None) return;
    this.pendingKind[k] = OrderKind.None;
    this.execute(k, kind, this.pendingSize[k], this.pendingStop[k], this.pendingTarget[k], ts, open, volume);
  }

  /**
   * Fills an order now at a reference price (the paper trader's path: the latest price stands for the open).
   * Slippage and fees apply as for a queued order.
   */
  executeNow(k: number, kind: OrderKind, size: number, stopLoss: number | null, takeProfit: number | null, ts: number, price: number, volume = Number.NaN): void {
    this.mark[k] = price;
    this.execute(k, kind, size, toNum(stopLoss), toNum(takeProfit), ts, price, volume);
  }

  private execute(k: number, kind: OrderKind, size: number, stop: number, target: number, ts: number, ref: number, volume: number): void {
    const held = this.side[k];
    if (kind === OrderKind.Close) {
      if (held === 0) this.note(ts, k, 'ignored', 'CLOSE while flat');
      else this.exitAtMarket(k, ts, ref, volume, 'signal');
      return;
    }
    const dir = kind === OrderKind.Long ? 1 : -1;
    if (held === dir) {
      this.note(ts, k, 'ignored', `${dir > 0 ? 'LONG' : 'SHORT'} while already ${dir > 0 ? 'long' : 'short'}`);
      return;
    }
    if (held !== 0) this.exitAtMarket(k, ts, ref, volume, 'signal');
    this.enter(k, dir, size, stop, target, ts, ref, volume);
  }

  private enter(k: number, dir: number, size: number, stop: number, target: number, ts: number, ref: number, volume: number): void {
    const f = this.costs.feeRate;
    const eq = this.equity();
    const refused = !(size > 0) || !Number.isFinite(size) ? `size ${size} is not a positive fraction of equity` : !(eq > 0) ? `equity ${eq} is not positive` : !(ref > 0) ? `no valid price (${ref})` : null;
    if (refused !== null) {
      this.note(ts, k, 'rejected', refused);
      return;
    }
    // Quantity depends on the price and the impact term on the quantity: one step from the fixed-slippage estimate.
    let slip = this.costs.slippageRate;
    let price = dir > 0 ? ref * (1 + slip) : ref * (1 - slip);
    let q = (size * eq) / (price * (1 + f));
    if (this.costs.impact > 0) {
      slip = slippageFor(this.costs, q, volume);
      price = dir > 0 ? ref * (1 + slip) : ref * (1 - slip);
      q = (size * eq) / (price * (1 + f));
    }
    if (dir > 0) {
      if (!(this.cash > 0)) {
        this.note(ts, k, 'rejected', `no cash to buy (cash ${this.cash})`);
        return;
      }
      if (price * q * (1 + f) > this.cash) {
        const wanted = q;
        q = this.cash / (price * (1 + f));
        // A shortfall of a few ulps is the quantity formula's own rounding, not a size the cash could not pay.
        if (wanted - q > wanted * 1e-12) this.note(ts, k, 'reduced', `quantity ${wanted} reduced to ${q}: cash ${this.cash} pays for no more`);
      }
    }
    const fee = price * q * f;
    if (dir > 0) {
      this.cash -= price * q + fee;
      if (this.cash < 0) this.cash = 0;
    } else {
      this.cash += price * q - fee;
    }
    this.fees += fee;
    this.tradedNotional += price * q;
    this.side[k] = dir;
    this.qty[k] = q;
    this.entryPrice[k] = price;
    this.entryTs[k] = ts;
    this.entryFee[k] = fee;
    this.stop[k] = stop;
    this.target[k] = target;
  }

  /** Market exit at a reference price (an open, or the paper trader's latest price). */
  private exitAtMarket(k: number, ts: number, ref: number, volume: number, reason: ExitReason): void {
    const slip = slippageFor(this.costs, this.qty[k], volume);
    this.exit(k, ts, this.side[k] > 0 ? ref * (1 - slip) : ref * (1 + slip), reason);
  }

  /** Stop-loss and take-profit of symbol k against one bar (see the rules at the top). */
  checkBrackets(k: number, ts: number, open: number, high: number, low: number, volume: number): void {
    const dir = this.side[k];
    if (dir === 0) return;
    const stop = this.stop[k];
    const target = this.target[k];
    if (dir > 0) {
      if (open <= stop) this.exitAtMarket(k, ts, open, volume, 'stop_loss');
      else if (open >= target) this.exit(k, ts, open, 'take_profit');
      else if (low <= stop) this.exitAtMarket(k, ts, stop, volume, 'stop_loss');
      else if (high >= target) this.exit(k, ts, target, 'take_profit');
    } else {
      if (open >= stop) this.exitAtMarket(k, ts, open, volume, 'stop_loss');
      else if (open <= target) this.exit(k, ts, open, 'take_profit');
      else if (high >= stop) this.exitAtMarket(k, ts, stop, volume, 'stop_loss');
      else if (low <= target) this.exit(k, ts, target, 'take_profit');
    }
  }

  /** Closes symbol k's position at a fill price (slippage already in it). */
  private exit(k: number, ts: number, price: number, reason: ExitReason): void {
    const dir = this.side[k];
    const q = this.qty[k];
    const fee = price * q * this.costs.feeRate;
    const gross = dir > 0 ? (price - this.entryPrice[k]) * q : (this.entryPrice[k] - price) * q;
    const pnl = gross - this.entryFee[k] - fee;
    if (dir > 0) this.cash += price * q - fee;
    else this.cash -= price * q + fee;
    if (this.cash < 0) {
      this.shortfall -= this.cash;
      this.note(ts, k, 'shortfall', `covering cost ${-this.cash} more than the cash; account blown, deficit written off`);
      this.cash = 0;
    }
    this.fees += fee;
    this.realizedPnl += pnl;
    this.tradedNotional += price * q;
    this.log.push(k, dir, this.entryTs[k], this.entryPrice[k], ts, price, q, pnl, this.entryFee[k] + fee, reason);
    this.side[k] = 0;
    this.qty[k] = 0;
    this.stop[k] = Number.NaN;
    this.target[k] = Number.NaN;
  }

  /** Changes the brackets of an open position (the paper trader's manual adjustments; risk-adjusted stops). */
  setBrackets(k: number, stopLoss: number | null, takeProfit: number | null): void {
    this.stop[k] = toNum(stopLoss);
    this.target[k] = toNum(takeProfit);
  }

  /** Unrealized P&L of symbol k, net of its entry fee (what its pnl would read closed at the mark, no exit cost). */
  unrealizedPnl(k: number): number {
    const dir = this.side[k];
    if (dir === 0) return 0;
    return dir * (this.mark[k] - this.entryPrice[k]) * this.qty[k] - this.entryFee[k];
  }

  /** Open positions as trades marked at the latest price, exit reason `end_of_data` (not sold: no exit cost). */
  openTrades(ts: number): TradeRecord[] {
    const out: TradeRecord[] = [];
    for (let k = 0; k < this.side.length; k++) {
      if (this.side[k] === 0) continue;
      out.push({
        symbol: this.symbols[k],
        side: this.side[k] > 0 ? 'LONG' : 'SHORT',
        entryTs: this.entryTs[k],
        entryPrice: this.entryPrice[k],
        exitTs: ts,
        exitPrice: this.mark[k],
        quantity: this.qty[k],
        pnl: this.unrealizedPnl(k),
        fees: this.entryFee[k],
        exitReason: 'end_of_data',
      });
    }
    return out;
  }

  private note(ts: number, k: number, kind: ExecutionNote['kind'], reason: string): void {
    this.notes.push({ ts, symbol: this.symbols[k], kind, reason });
  }

  state(): SimulatorState {
    const arr = (a: Float64Array | Int8Array) => Array.from(a);
    return {
      symbols: [...this.symbols],
      initialCash: this.initialCash,
      costs: { ...this.costs },
      cash: this.cash,
      fees: this.fees,
      realizedPnl: this.realizedPnl,
      tradedNotional: this.tradedNotional,
      shortfall: this.shortfall,
      side: arr(this.side),
      qty: arr(this.qty),
      entryPrice: arr(this.entryPrice),
      entryTs: arr(this.entryTs),
      entryFee: arr(this.entryFee),
      stop: arr(this.stop),
      target: arr(this.target),
      mark: arr(this.mark),
      pendingKind: arr(this.pendingKind),
      pendingSize: arr(this.pendingSize),
      pendingStop: arr(this.pendingStop),
      pendingTarget: arr(this.pendingTarget),
      trades: this.trades.map((t) => ({ ...t })),
      notes: this.notes.map((n) => ({ ...n })),
    };
  }

  /** Rebuilds a simulator from `state()` output (NaN may arrive as null after JSON: both mean "none"). */
  static restore(s: SimulatorState): ExecutionSimulator {
    const sim = new ExecutionSimulator(s.symbols, s.initialCash, s.costs);
    sim.cash = s.cash;
    sim.fees = s.fees;
    sim.realizedPnl = s.realizedPnl;
    sim.tradedNotional = s.tradedNotional;
    sim.shortfall = s.shortfall;
    const put = (dst: Float64Array | Int8Array, src: readonly (number | null)[]) => {
      for (let i = 0; i < src.length; i++) dst[i] = toNum(src[i]);
    };
    put(sim.side, s.side);
    put(sim.qty, s.qty);
    put(sim.entryPrice, s.entryPrice);
    put(sim.entryTs, s.entryTs);
    put(sim.entryFee, s.entryFee);
    put(sim.stop, s.stop);
    put(sim.target, s.target);
    put(sim.mark, s.mark);
    put(sim.pendingKind, s.pendingKind);
    put(sim.pendingSize, s.pendingSize);
    put(sim.pendingStop, s.pendingStop);
    put(sim.pendingTarget, s.pendingTarget);
    for (const t of s.trades) sim.log.pushRecord(t);
    sim.notes.push(...s.notes.map((n) => ({ ...n })));
    return sim;
  }

  /** The portfolio as the risk orchestrator sees it; peak and day-start equity are tracked by the driver. */
  snapshot(ts: number, peakEquity: number, dayStartEquity: number): PortfolioSnapshot {
    const positions: MarkedPosition[] = [];
    for (let k = 0; k < this.side.length; k++) {
      if (this.side[k] === 0) continue;
      positions.push({
        symbol: this.symbols[k],
        side: this.side[k] > 0 ? 'LONG' : 'SHORT',
        quantity: this.qty[k],
        avgPrice: this.entryPrice[k],
        entryTs: this.entryTs[k],
        ...this.brackets(k),
        marketPrice: this.mark[k],
      });
    }
    return { ts, cash: this.cash, equity: this.equity(), peakEquity, dayStartEquity, positions };
  }

  /** Brackets of symbol k as nullable numbers (for snapshots). */
  brackets(k: number): { stopLoss: number | null; takeProfit: number | null } {
    return { stopLoss: toNullable(this.stop[k]), takeProfit: toNullable(this.target[k]) };
  }
}
