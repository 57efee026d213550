/**
 * The real market of ../shared/data loaded into a Store: BTC/ETH 1h from the Binance CSVs, the eight other default
 * assets' 1h JSON, every asset's 1d JSON (daily history for warm-up), and VIXCLS, DTWEXBGS, DGS10 from FRED CSVs.
 * The 8 other assets' hourly data ends 2022-10-11, so the common period of all ten is 2022-01-01 .. 2022-10-10.
 */
import { readFileSync } from 'node:fs';
import type { Timeframe } from '../../src/core/time.js';
import type { Candle, MacroObservation } from '../../src/core/types.js';
import type { Store } from '../../src/storage/store.js';
import { dataFile } from './env.js';

export const REAL_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'AVAX/USDT', 'DOT/USDT', 'LINK/USDT'];
export const REAL_MACRO = ['VIXCLS', 'DTWEXBGS', 'DGS10'];

const jsonCache = new Map<string, Candle[]>();

export function readJsonCandles(file: string): Candle[] {
  let c = jsonCache.get(file);
  if (!c) {
    const rows = JSON.parse(readFileSync(dataFile('candles/binance', file), 'utf8')) as number[][];
    c = rows.map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));
    jsonCache.set(file, c);
  }
  return c;
}

export function readCsvCandles(file: string): Candle[] {
  let c = jsonCache.get(file);
  if (!c) {
    const lines = readFileSync(dataFile('candles/binance', file), 'utf8').trim().split('\n').slice(1);
    c = lines.map((line) => {
      const [t, o, h, l, cl, v] = line.split(',');
      return { ts: Date.parse(`${t.replace(' ', 'T')}Z`), open: Number(o), high: Number(h), low: Number(l), close: Number(cl), volume: Number(v) };
    });
    jsonCache.set(file, c);
  }
  return c;
}

export function readFredCsv(series: string): MacroObservation[] {
  const lines = readFileSync(dataFile('fred', `${series}.csv`), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [d, v] = line.split(',');
    const value = v === undefined || v.trim() === '' || v.trim() === '.' ? null : Number(v);
    return { series, date: Date.parse(`${d}T00:00:00Z`), value };
  });
}

/** Real candles of one symbol and timeframe, open times in [from, to]. */
export function realCandles(symbol: string, tf: '1h' | '1d', from: number, to: number): Candle[] {
  const base = symbol.split('/')[0];
  const all = tf === '1h' && (base === 'BTC' || base === 'ETH') ? readCsvCandles(`${base}USDT_1h.csv`) : readJsonCandles(`${base}_USDT-${tf}.json`);
  return all.filter((c) => c.ts >= from && c.ts <= to);
}

export interface RealMarketRange {
  /** Hourly candles from here. */
  hourlyFrom: number;
  /** Daily candles from here (history for the daily strategies' warm-up). */
  dailyFrom: number;
  /** Hourly candles up to this open time (and daily ones, unless dailyTo is given). */
  to: number;
  /** Daily candles up to this open time (default `to`). */
  dailyTo?: number;
  /** Macro observations dated up to here (default `to`). */
  macroTo?: number;
  symbols?: readonly string[];
}

export async function loadRealMarket(store: Store, r: RealMarketRange): Promise<void> {
  for (const symbol of r.symbols ?? REAL_SYMBOLS) {
    for (const [tf, from, to] of [['1h', r.hourlyFrom, r.to], ['1d', r.dailyFrom, r.dailyTo ?? r.to]] as [Timeframe & ('1h' | '1d'), number, number][]) {
      const candles = realCandles(symbol, tf, from, to);
      if (candles.length) await store.candles.upsert({ source: 'import', symbol, timeframe: tf }, candles);
    }
  }
  for (const series of REAL_MACRO) await store.macro.upsert(readFredCsv(series).filter((o) => o.date <= (r.macroTo ?? r.to)));
}
