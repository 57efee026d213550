/**
 * The paper trading engine (SPEC §11): each alert goes through the risk orchestrator and the shared execution
 * simulator, and everything it caused — the alert's id and outcome, fills, closed trades, positions and the book's
 * state — is written in ONE database transaction. An id already recorded is never applied again, so a crash at any
 * point leaves either all of an alert's effects or none, and a restart simply continues.
 *
 * Prices: the latest tick given to `onPrice` or the latest stored candle, whichever is newer (prices.ts); an alert
 * for a symbol with neither is refused with that reason. Stops and targets are watched on every tick (`onPrice`)
 * and against every newly stored candle (`onCandle`). Fills follow the backtest's rules (src/execution): an alert
 * fills at the latest price as a bar's order fills at the next open, with the same slippage and fees.
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { isoTime, parseDuration, type Timeframe } from '../core/time.js';
import { type Candle, type Signal, strengthFromConfidence } from '../core/types.js';
import { backtestRiskGate } from '../backtest/risk-gate.js';
import type { RiskGate } from '../backtest/engine.js';
import { costModel, type CostModel, OrderKind } from '../execution/index.js';
import type { PaperAlertRecord, PaperAlertStatus } from '../storage/repos/paper.js';
import { Mutex } from '../storage/mutex.js';
import type { Store } from '../storage/store.js';
import { type BookChanges, PaperBook } from './book.js';
import type { PaperIntent } from './intent.js';
import { PriceBook } from './prices.js';

export interface AlertOutcome {
  /** duplicate: the id was already consumed; nothing was written. */
  status: PaperAlertStatus | 'duplicate';
  reason: string | null;
  changes: BookChanges | null;
}

export interface AlertItem {
  intent: PaperIntent;
  /** The file it came from (recorded with the alert). */
  file: string | null;
}

export interface PaperEngineOptions {
  store: Store;
  config: Config;
  clock: Clock;
  log: Logger;
  /**
   * A replay over candles stored beforehand: stored candles change only as `onCandle` reports them, so the risk
   * windows are extended bar by bar instead of read whole each bar (same windows, far fewer rows read).
   */
  replay?: boolean;
}


export function paperCosts(config: Config): CostModel {
  return costModel({ feeBps: config.backtest.feeBps, slippageBps: config.backtest.slippageBps, impact: config.backtest.impact });
}

export class PaperEngine {
  readonly prices: PriceBook;
  private readonly lock = new Mutex();
  private readonly gates = new Map<string, RiskGate>();
  private readonly maxAge: number;
  /** Per symbol: candles opening before this were already checked against the brackets. */
  private readonly candleCursor = new Map<string, number>();

  private constructor(
    private readonly o: PaperEngineOptions,
    private book: PaperBook,
  ) {
    this.prices = new PriceBook(o.config.paper.timeframe as Timeframe, o.replay === true);
    this.maxAge = parseDuration(o.config.paper.maxAge, 'paper.maxAge');
  }

  /** Opens the engine on the stored book (or a new account with config.paper.cash) and relearns closed trades. */
  static async open(o: PaperEngineOptions): Promise<PaperEngine> {
    const book = await loadBook(o.store, o.config, o.clock.now());
    const engine = new PaperEngine(o, book);
    for (const t of await o.store.paper.trades()) engine.gateFor(t.strategy ?? 'unknown').tradeClosed?.(toTradeRecord(t));
    return engine;
  }

  get symbols(): readonly string[] {
    return this.book.sim.symbols;
  }

  /** The book as it stands in memory (read-only use: status, tests). */
  get current(): PaperBook {
    return this.book;
  }

  private gateFor(strategy: string): RiskGate {
    let g = this.gates.get(strategy);
    if (!g) {
      g = backtestRiskGate(strategy, this.o.config.risk, this.prices.windows, this.prices.timeframe);
      this.gates.set(strategy, g);
    }
    return g;
  }

  /** Applies one alert exactly once; see the file comment. Never throws for what the alert says, only for I/O. */
  async applyAlert(intent: PaperIntent, file: string | null = null): Promise<AlertOutcome> {
    return (await this.applyAlerts([{ intent, file }]))[0];
  }

  /**
   * Applies alerts in the order given, in one transaction: each alert's effects commit together with its id, and
   * a batch commits or rolls back whole (a burst of alerts pays for one commit and one write of the book).
   */
  applyAlerts(items: readonly AlertItem[]): Promise<AlertOutcome[]> {
    return this.lock.run(async () => {
      const outcomes = await this.guarded(() => this.applyBatch(items));
      metrics.paperEquity.set(this.book.sim.equity());
      items.forEach(({ intent, file }, i) => {
        const outcome = outcomes[i];
        metrics.paperAlerts.inc({ status: outcome.status });
        if (outcome.changes) this.learn(outcome.changes);
        const fields = { alert: intent.id, symbol: intent.symbol, side: intent.side, file };
        if (outcome.status === 'applied') this.o.log.info({ ...fields, fills: outcome.changes?.fills.length }, 'paper: alert applied');
        else this.o.log.warn({ ...fields, status: outcome.status }, `paper: alert ${outcome.status}: ${outcome.reason}`);
      });
      return outcomes;
    });
  }

  /** Records a file that is not a usable alert, once per name, so status can count it. */
  recordMalformed(file: string, reason: string): Promise<boolean> {
    const now = this.o.clock.now();
    metrics.paperAlerts.inc({ status: 'malformed' });
    return this.lock.run(() =>
      this.o.store.paper.recordAlert({ alertId: `file:${file}`.slice(0, 250), status: 'malformed', reason, file, appliedAt: now, alertTs: null, symbol: null, signalType: null }),
    );
  }

  /** A new price for a symbol (the real-time stream calls this): marks it and fires a touched stop or target. */
  onPrice(symbol: string, price: number, ts: number): Promise<BookChanges | null> {
    return this.priceUpdate(symbol, price, ts, true);
  }

  /**
   * The open of a bar whose whole range `onCandle` will check next (replays on a virtual clock): the price is marked
   * and becomes the latest, without a bracket check of its own — the candle check covers the open, as in the backtest.
   */
  openBar(symbol: string, open: number, ts: number): Promise<BookChanges | null> {
    return this.priceUpdate(symbol, open, ts, false);
  }

  private priceUpdate(symbol: string, price: number, ts: number, checkBrackets: boolean): Promise<BookChanges | null> {
    if (!(price > 0) || !Number.isFinite(price)) throw new InputError('E_PAPER_PRICE', `price ${price} for ${symbol} is not a positive number`);
    return this.lock.run(() => {
      this.prices.tick(symbol, price, ts);
      const k = this.book.sim.indexOf(symbol);
      if (k < 0) return null;
      const sim = this.book.sim;
      if (!checkBrackets || sim.side[k] === 0) {
        // a mark and the book's time only, in memory: nothing here can fail half-way, so no guard (replays call
        // this for every symbol every bar)
        sim.markClose(k, price);
        this.book.touch(ts);
        return null;
      }
      return this.guarded(async () => {
        const changes = this.book.change(ts, null, null, (s) => {
          s.markOpen(k, price);
          s.checkBrackets(k, ts, price, price, price, Number.NaN);
          s.markClose(k, price);
        });
        this.book.touch(ts);
        return this.persistIfFilled(changes);
      });
    });
  }

  /**
   * A newly stored candle of a symbol (of the paper timeframe): stops and targets are checked over its range (the
   * backtest's bar rules) when it opened at or after the position's entry; the mark moves to its close unless a
   * newer tick exists, and the book's time to the candle's close.
   */
  onCandle(symbol: string, c: Candle): Promise<BookChanges | null> {
    return this.lock.run(() => {
      this.prices.invalidate(symbol, c.ts);
      const k = this.book.sim.indexOf(symbol);
      if (k < 0) return null;
      const sim = this.book.sim;
      const closeTs = c.ts + this.prices.barMs;
      const markAndTouch = () => {
        if (!this.prices.tickAfter(symbol, closeTs)) sim.markClose(k, c.close);
        this.book.touch(closeTs);
      };
      if (!(sim.side[k] !== 0 && c.ts >= sim.entryTs[k])) {
        // no bracket to check: a mark and the book's time only, in memory, nothing to guard
        markAndTouch();
        return null;
      }
      return this.guarded(async () => {
        const changes = this.book.change(c.ts, null, null, (s) => {
          s.markOpen(k, c.open);
          s.checkBrackets(k, c.ts, c.open, c.high, c.low, c.volume);
        });
        markAndTouch();
        return this.persistIfFilled(changes);
      });
    });
  }

  /** Checks every held symbol's brackets against the candles stored since the last check. */
  async checkStoredCandles(): Promise<number> {
    let checked = 0;
    const sim = this.book.sim;
    const now = this.o.clock.now();
    for (let k = 0; k < sim.symbols.length; k++) {
      if (sim.side[k] === 0) continue;
      const symbol = sim.symbols[k];
      const from = Math.max(sim.entryTs[k], this.candleCursor.get(symbol) ?? sim.entryTs[k]);
      const cols = await this.o.store.candles.read({ symbol, timeframe: this.prices.timeframe, from, to: now - this.prices.barMs });
      for (let i = 0; i < cols.length; i++) {
        await this.onCandle(symbol, { ts: cols.ts[i], open: cols.open[i], high: cols.high[i], low: cols.low[i], close: cols.close[i], volume: cols.volume[i] });
        this.candleCursor.set(symbol, cols.ts[i] + 1);
        checked++;
      }
    }
    return checked;
  }

  /** Marks held positions to their latest prices and records an equity point. */
  snapshotEquity(ts = this.o.clock.now()): Promise<{ ts: number; equity: number; cash: number }> {
    return this.lock.run(async () => {
      await this.markHeld(this.o.store);
      const sim = this.book.sim;
      const point = { ts, equity: sim.equity(), cash: sim.cash, inMarket: sim.inMarket() };
      metrics.paperEquity.set(point.equity);
      // The book's peak and day-start equity move with prices between fills; they are saved with each point.
      await this.o.store.transaction(async (tx) => {
        await this.saveAccount(tx);
        await tx.paper.addEquity(point);
      });
      return point;
    });
  }

  /** Runs fn; if it throws, the in-memory book goes back to the last committed state (the database never saw it). */
  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    // state() is already a copy (arrays, trades and notes copied); it is serialized only if it is needed
    const saved = this.book.state();
    try {
      return await fn();
    } catch (err) {
      this.book = PaperBook.restore(JSON.stringify(saved), this.book.sim.symbols, this.book.sim.costs);
      throw err;
    }
  }

  private async persistIfFilled(changes: BookChanges): Promise<BookChanges | null> {
    for (const n of changes.notes) this.o.log.warn({ symbol: n.symbol, kind: n.kind }, `paper: ${n.reason}`);
    if (changes.fills.length === 0) return null;
    await this.o.store.transaction((tx) => this.persist(tx, changes));
    this.learn(changes);
    for (const f of changes.fills) this.o.log.info({ symbol: f.symbol, side: f.side, price: f.price, quantity: f.quantity, reason: f.reason }, 'paper fill');
    return changes;
  }

  private async saveAccount(tx: Store): Promise<void> {
    const sim = this.book.sim;
    await tx.paper.saveAccount({
      cash: sim.cash,
      initialCash: sim.initialCash,
      realizedPnl: sim.realizedPnl,
      fees: sim.fees,
      state: JSON.stringify(this.book.state()),
      updatedAt: this.book.lastChange,
    });
  }

  private async persist(tx: Store, changes: BookChanges): Promise<void> {
    await this.saveAccount(tx);
    await tx.paper.replacePositions(this.book.positions());
    await tx.paper.addTrades(changes.trades);
    await tx.paper.addFills(changes.fills);
  }

  /** Closed trades teach the risk gate (half-Kelly statistics), once they are committed. */
  private learn(changes: BookChanges): void {
    for (const t of changes.trades) this.gateFor(t.strategy ?? 'unknown').tradeClosed?.(toTradeRecord(t));
  }

  /** Marks every held symbol (but `except`) at its latest price (so equity and risk see today's book). */
  private async markHeld(store: Store, except = -1): Promise<void> {
    const sim = this.book.sim;
    const now = this.o.clock.now();
    for (let k = 0; k < sim.symbols.length; k++) {
      if (sim.side[k] === 0 || k === except) continue;
      const q = await this.prices.quote(store, sim.symbols[k], now);
      if (q) sim.markClose(k, q.price);
    }
  }

  private applyBatch(items: readonly AlertItem[]): Promise<AlertOutcome[]> {
    const { store, clock } = this.o;
    const now = clock.now();
    return store.transaction(async (tx) => {
      const seen = await tx.paper.alertsByIds(items.map((i) => i.intent.id));
      const outcomes: AlertOutcome[] = [];
      const records: PaperAlertRecord[] = [];
      const all: BookChanges = { fills: [], trades: [], notes: [] };
      for (const { intent, file } of items) {
        const prior = seen.get(intent.id);
        if (prior) {
          outcomes.push({ status: 'duplicate', reason: `alert ${intent.id} was already consumed (${prior.status} at ${isoTime(prior.appliedAt)})`, changes: null });
          continue;
        }
        const outcome = await this.evaluate(tx, intent, now);
        const record = { alertId: intent.id, status: outcome.status as PaperAlertStatus, reason: outcome.reason, file, appliedAt: now, alertTs: intent.ts, symbol: intent.symbol, signalType: intent.side };
        seen.set(intent.id, record);
        records.push(record);
        if (outcome.changes) {
          all.fills.push(...outcome.changes.fills);
          all.trades.push(...outcome.changes.trades);
        }
        outcomes.push(outcome);
      }
      if (all.fills.length > 0) await this.persist(tx, all);
      // Recorded in the same transaction as the effects; an id some other engine recorded meanwhile undoes the batch.
      if ((await tx.paper.recordAlerts(records)) !== records.length) {
        throw new Error('an alert of this batch was recorded by another engine meanwhile; the batch is retried on the next pass');
      }
      return outcomes;
    });
  }

  /** What one alert does to the book (mutating it); refusals say why. Nothing is written here. */
  private async evaluate(tx: Store, intent: PaperIntent, now: number): Promise<AlertOutcome> {
    const { config } = this.o;
    const refuse = (status: PaperAlertStatus, reason: string): AlertOutcome => ({ status, reason, changes: null });

    const age = now - intent.ts;
    if (age > this.maxAge) return refuse('skipped', `alert is ${Math.round(age / 1000)} s old, older than the maximum age of ${Math.round(this.maxAge / 1000)} s`);
    if (-age > this.maxAge) return refuse('skipped', `alert timestamp ${isoTime(intent.ts)} is ahead of the engine clock ${isoTime(now)}`);
    if (intent.confidence < config.paper.minConfidence) {
      return refuse('skipped', `confidence ${intent.confidence} is below the minimum ${config.paper.minConfidence}`);
    }
    if (!config.assets.includes(intent.symbol)) return refuse('skipped', `${intent.symbol} is not an enabled asset`);
    const sim = this.book.sim;
    const k = sim.indexOf(intent.symbol);
    if (k < 0) return refuse('skipped', `${intent.symbol} is not in the paper book`);
    const held = sim.side[k];
    if (intent.side === 'CLOSE' && held === 0) return refuse('skipped', `CLOSE ${intent.symbol} while flat`);
    if ((intent.side === 'LONG' && held > 0) || (intent.side === 'SHORT' && held < 0)) {
      return refuse('skipped', `already ${intent.side} ${intent.symbol}`);
    }

    const quote = await this.prices.quote(tx, intent.symbol, now);
    if (!quote) return refuse('rejected', `no price for ${intent.symbol}: no stored candle and no tick`);
    await this.markHeld(tx, k);
    sim.markClose(k, quote.price);

    let kind: OrderKind = OrderKind.Close;
    let size = 0;
    let stop: number | null = null;
    let target: number | null = null;
    if (intent.side !== 'CLOSE') {
      kind = intent.side === 'LONG' ? OrderKind.Long : OrderKind.Short;
      const decision = await this.decide(tx, intent, quote.price, now);
      if (!decision.approved) return refuse('rejected', `risk: ${decision.reasons.join('; ')}`);
      size = decision.size;
      stop = decision.stopLoss;
      target = decision.takeProfit;
    }
    const changes = this.book.change(now, intent.id, intent.strategy, (s) => s.executeNow(k, kind, size, stop, target, now, quote.price, quote.volume));
    this.book.touch(now);
    const refused = changes.notes.find((n) => n.kind === 'rejected');
    if (changes.fills.length === 0) return refuse('rejected', `execution: ${refused?.reason ?? 'no fill'}`);
    for (const n of changes.notes) this.o.log.warn({ symbol: n.symbol, kind: n.kind }, `paper: ${n.reason}`);
    return { status: 'applied', reason: changes.notes.length > 0 ? changes.notes.map((n) => n.reason).join('; ') : null, changes };
  }

  /** The risk orchestrator's decision, on the candles closed by now (never a later one), as the backtester asks it. */
  private async decide(tx: Store, intent: PaperIntent, price: number, now: number) {
    const sim = this.book.sim;
    const window = await this.prices.window(tx, intent.symbol, now);
    for (let j = 0; j < sim.symbols.length; j++) if (sim.side[j] !== 0) await this.prices.window(tx, sim.symbols[j], now);
    const signal: Signal = {
      ts: intent.ts,
      strategy: intent.strategy,
      symbol: intent.symbol,
      side: intent.side,
      confidence: intent.confidence,
      strength: strengthFromConfidence(intent.confidence),
      price,
      size: intent.size,
      stopLoss: intent.stopLoss,
      takeProfit: intent.takeProfit,
    };
    const market = { candles: window, index: window.length - 1, baseMs: this.prices.barMs };
    return this.gateFor(intent.strategy).decide(signal, this.book.snapshot(now), market);
  }
}

/** The stored book, or a new account (stored at once, with its opening equity point). */
async function loadBook(store: Store, config: Config, now: number): Promise<PaperBook> {
  const costs = paperCosts(config);
  const account = await store.paper.account();
  if (account?.state) return PaperBook.restore(account.state, config.assets, costs);
  const book = PaperBook.create(config.assets, config.paper.cash, costs, now);
  const cash = config.paper.cash;
  await store.transaction(async (tx) => {
    await tx.paper.saveAccount({ cash, initialCash: cash, realizedPnl: 0, fees: 0, state: JSON.stringify(book.state()), updatedAt: now });
    await tx.paper.addEquity({ ts: now, equity: cash, cash, inMarket: false });
  });
  return book;
}

function toTradeRecord(t: { symbol: string; side: 'LONG' | 'SHORT'; entryTs: number; entryPrice: number; exitTs: number; exitPrice: number; quantity: number; pnl: number; fees: number; exitReason: string }) {
  return { ...t, exitReason: t.exitReason as 'signal' };
}
