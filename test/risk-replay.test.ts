/**
 * The drawdown and daily-loss halts over real Binance BTC/USDT and ETH/USDT 1h candles (2022-01 .. 2025-12).
 *
 * An SMA 10/30 cross (golden cross -> LONG, death cross -> SHORT, reversing) trades both markets with half of equity
 * each, filling at the next bar's open with a 10 bps fee, and equity is marked at every close. It trades at its own
 * size, as `mts backtest --no-risk` would: with the default 10% position cap the book could never fall 20%, and the
 * point here is to watch the halts engage and lift on a real equity path. At every close the orchestrator, with the
 * default limits, is asked about an entry on the book as it stands, and about the strategy's own exits and entries.
 * The expected halts are computed separately from the equity path afterwards.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/index.js';
import { DAY_MS, HOUR_MS } from '../src/core/time.js';
import type { MarkedPosition, Signal, SignalSide } from '../src/core/types.js';
import { decide, markEquity, type RiskPortfolio, startMarks } from '../src/risk/index.js';
import { dataFile } from './helpers/env.js';

interface Bars {
  ts: number[];
  open: number[];
  close: number[];
}

function loadCsv(file: string): Bars {
  const bars: Bars = { ts: [], open: [], close: [] };
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    bars.ts.push(Date.parse(`${f[0].replace(' ', 'T')}Z`));
    bars.open.push(Number(f[1]));
    bars.close.push(Number(f[4]));
  }
  return bars;
}

/** true where SMA(10) is above SMA(30) at that close; null before there are 30 closes. */
function fastAbove(close: number[]): (boolean | null)[] {
  const out: (boolean | null)[] = [];
  let fast = 0;
  let slow = 0;
  for (let i = 0; i < close.length; i++) {
    fast += close[i] - (i >= 10 ? close[i - 10] : 0);
    slow += close[i] - (i >= 30 ? close[i - 30] : 0);
    out.push(i >= 29 ? fast / 10 > slow / 30 : null);
  }
  return out;
}

const risk = buildConfig().risk;
const CASH = 10_000;
const FEE = 0.001;
const SHARE = 0.5;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

interface Replay {
  closeTs: number[];
  equity: number[];
  /** Per close: did the probe entry's rejection name the drawdown / daily-loss halt? */
  ddNamed: boolean[];
  dlNamed: boolean[];
  exits: { i: number; approved: boolean }[];
  entries: { i: number; approved: boolean; dd: boolean; dl: boolean }[];
}

function signalAt(ts: number, symbol: string, side: SignalSide, price: number): Signal {
  return { ts, strategy: 'sma_cross', symbol, side, confidence: 1, strength: 'STRONG', price, size: 0, stopLoss: null, takeProfit: null };
}

function replay(markets: Bars[]): Replay {
  const n = markets[0].ts.length;
  const above = markets.map((b) => fastAbove(b.close));
  const qty = [0, 0];
  const pending: (1 | -1 | null)[] = [null, null];
  let cash = CASH;
  let marks = startMarks(markets[0].ts[0], CASH);
  const r: Replay = { closeTs: [], equity: [], ddNamed: [], dlNamed: [], exits: [], entries: [] };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const dir = pending[k];
      if (dir === null) continue;
      const px = markets[k].open[i];
      cash += qty[k] * px - Math.abs(qty[k]) * px * FEE;
      qty[k] = 0;
      const equityAtOpen = cash + qty[0] * markets[0].open[i] + qty[1] * markets[1].open[i];
      const q = (dir * SHARE * equityAtOpen) / (px * (1 + FEE));
      cash -= q * px + Math.abs(q) * px * FEE;
      qty[k] = q;
      pending[k] = null;
    }
    const t = markets[0].ts[i] + HOUR_MS;
    const equity = cash + qty[0] * markets[0].close[i] + qty[1] * markets[1].close[i];
    marks = markEquity(marks, t, equity);
    const positions: MarkedPosition[] = [];
    for (let k = 0; k < 2; k++) {
      if (qty[k] === 0) continue;
      const px = markets[k].close[i];
      positions.push({ symbol: SYMBOLS[k], side: qty[k] > 0 ? 'LONG' : 'SHORT', quantity: Math.abs(qty[k]), avgPrice: px, entryTs: 0, stopLoss: null, takeProfit: null, marketPrice: px });
    }
    const book: RiskPortfolio = { ts: t, cash, equity, peakEquity: marks.peakEquity, dayStartEquity: marks.dayStartEquity, dayLowEquity: marks.dayLowEquity, positions };
    const probe = decide(signalAt(t, 'SOL/USDT', 'LONG', 100), book, { price: 100 }, risk);
    r.closeTs.push(t);
    r.equity.push(equity);
    r.ddNamed.push(probe.breaches.some((b) => b.limit === 'max_drawdown'));
    r.dlNamed.push(probe.breaches.some((b) => b.limit === 'daily_loss'));
    for (let k = 0; k < 2; k++) {
      const now = above[k][i];
      const before = i > 0 ? above[k][i - 1] : null;
      if (now === null || before === null || now === before) continue;
      const price = markets[k].close[i];
      if (qty[k] !== 0) r.exits.push({ i, approved: decide(signalAt(t, SYMBOLS[k], 'CLOSE', price), book, { price }, risk).approved });
      const entry = decide(signalAt(t, SYMBOLS[k], now ? 'LONG' : 'SHORT', price), book, { price }, risk);
      r.entries.push({ i, approved: entry.approved, dd: entry.breaches.some((b) => b.limit === 'max_drawdown'), dl: entry.breaches.some((b) => b.limit === 'daily_loss') });
      pending[k] = now ? 1 : -1;
    }
  }
  return r;
}

/** The halts as the equity path says, from the definitions: 20% below the running peak; the day's low 5% below its first mark. */
function expectedHalts(r: Replay): { dd: boolean[]; dl: boolean[] } {
  const dd: boolean[] = [];
  const dl: boolean[] = [];
  let peak = CASH;
  let dayFirst = -1; // index of the day's first mark; -1 = the starting cash at 00:00 of the first day
  for (let i = 0; i < r.equity.length; i++) {
    peak = Math.max(peak, r.equity[i]);
    dd.push(r.equity[i] < peak * 0.8);
    const prevDay = i === 0 ? Math.floor((r.closeTs[0] - HOUR_MS) / DAY_MS) : Math.floor(r.closeTs[i - 1] / DAY_MS);
    if (Math.floor(r.closeTs[i] / DAY_MS) !== prevDay) dayFirst = i;
    const start = dayFirst < 0 ? CASH : r.equity[dayFirst];
    const low = Math.min(...r.equity.slice(Math.max(dayFirst, 0), i + 1), dayFirst < 0 ? CASH : Number.POSITIVE_INFINITY);
    dl.push(low < start * 0.95);
  }
  return { dd, dl };
}

function firstMismatch(got: boolean[], want: boolean[], r: Replay): string | null {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) return `at ${new Date(r.closeTs[i]).toISOString()} (equity ${r.equity[i].toFixed(2)}): named ${got[i]}, expected ${want[i]}`;
  }
  return null;
}

/** Indexes where a flag turns on and where it turns off. */
function transitions(flags: boolean[]): { on: number[]; off: number[] } {
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 1; i < flags.length; i++) {
    if (flags[i] && !flags[i - 1]) on.push(i);
    if (!flags[i] && flags[i - 1]) off.push(i);
  }
  return { on, off };
}

describe('risk halts on real BTC/ETH 1h with sma_cross and the default limits', () => {
  let r: Replay;
  let want: { dd: boolean[]; dl: boolean[] };
  beforeAll(() => {
    const btc = loadCsv(dataFile('candles', 'binance', 'BTCUSDT_1h.csv'));
    const eth = loadCsv(dataFile('candles', 'binance', 'ETHUSDT_1h.csv'));
    expect(eth.ts).toEqual(btc.ts);
    r = replay([btc, eth]);
    want = expectedHalts(r);
  });

  it('blocks entries for drawdown exactly while equity is more than 20% below its peak, and lifts on recovery', () => {
    expect(r.equity.length).toBe(34_349);
    expect(firstMismatch(r.ddNamed, want.dd, r)).toBeNull();
    const { on, off } = transitions(want.dd);
    expect(on.length).toBeGreaterThanOrEqual(5);
    expect(off.length).toBeGreaterThanOrEqual(5);
    // Each lift is a mark where equity is back within 20% of the peak so far.
    for (const i of off) expect(r.equity[i]).toBeGreaterThanOrEqual(0.8 * Math.max(CASH, ...r.equity.slice(0, i + 1)));
  });

  it('blocks entries for the daily loss from the first close 5% under the 00:00 UTC equity until the next 00:00 UTC', () => {
    expect(firstMismatch(r.dlNamed, want.dl, r)).toBeNull();
    const { on, off } = transitions(want.dl);
    expect(on.length).toBeGreaterThanOrEqual(5);
    for (const i of off) expect(r.closeTs[i] % DAY_MS).toBe(0); // the hourly mark at 00:00 UTC
    for (const i of on) expect(r.closeTs[i] % DAY_MS).not.toBe(0);
  });

  it("judges the strategy's own signals the same way: entries rejected while halted, exits always approved", () => {
    expect(r.entries.length).toBeGreaterThan(1000);
    for (const e of r.entries) {
      expect([e.dd, e.dl]).toEqual([want.dd[e.i], want.dl[e.i]]);
      if (want.dd[e.i] || want.dl[e.i]) expect(e.approved).toBe(false);
    }
    expect(r.exits.every((x) => x.approved)).toBe(true);
    expect(r.exits.filter((x) => want.dd[x.i] || want.dl[x.i]).length).toBeGreaterThan(10);
  });
});
