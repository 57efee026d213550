import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Candle } from '../../src/core/types.js';
import { dataFile } from '../helpers/env.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const cache = new Map<string, Candle[]>();

/**
 * Whole days to add to the real data's times so that BTC's last real hour becomes the last closed hour of today:
 * lets tests that run on the wall clock (`mts collect`) find "recent" candles. Prices stay real.
 */
export function shiftToNow(now = Date.now()): number {
  const end = realCandles('BTCUSDT', '1h').at(-1)?.ts ?? now;
  return Math.floor((now - end) / DAY) * DAY;
}

/** realCandles moved `shiftMs` later in time. */
export function shiftedCandles(marketId: string, interval: string, shiftMs: number): Candle[] {
  if (!shiftMs) return realCandles(marketId, interval);
  const key = `${marketId}:${interval}:${shiftMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = realCandles(marketId, interval).map((c) => ({ ...c, ts: c.ts + shiftMs }));
  cache.set(key, out);
  return out;
}

function readCsvCandles(file: string): Candle[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [t, o, h, lo, c, v] = l.split(',');
    const iso = t.includes('+') ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
    return { ts: Date.parse(iso), open: +o, high: +h, low: +lo, close: +c, volume: +v };
  });
}

function readJsonCandles(file: string): Candle[] {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as number[][];
  return rows.map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));
}

function aggregate(candles: Candle[], stepMs: number): Candle[] {
  const out: Candle[] = [];
  for (const c of candles) {
    const ts = Math.floor(c.ts / stepMs) * stepMs;
    const last = out[out.length - 1];
    if (last && last.ts === ts) {
      last.high = Math.max(last.high, c.high);
      last.low = Math.min(last.low, c.low);
      last.close = c.close;
      last.volume += c.volume;
    } else out.push({ ...c, ts });
  }
  return out;
}

/**
 * Real Binance candles of a market id (`BTCUSDT`) at an interval, from ../shared/data: the CSV files where they
 * exist, else the JSON files; 4h is built from 1h; 15m comes from the Bybit files (BTC and ETH only).
 */
export function realCandles(marketId: string, interval: string): Candle[] {
  const key = `${marketId}:${interval}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const base = marketId.replace(/USDT$/, '');
  const csv = dataFile('candles', 'binance', `${marketId}_${interval}.csv`);
  const json = dataFile('candles', 'binance', `${base}_USDT-${interval}.json`);
  let out: Candle[] = [];
  if (existsSync(csv)) out = readCsvCandles(csv);
  else if (existsSync(json)) out = readJsonCandles(json);
  else if (interval === '4h') out = aggregate(realCandles(marketId, '1h'), 4 * HOUR);
  else if (interval === '15m' && existsSync(dataFile('candles', 'bybit', `${marketId}_15m.csv`))) out = readCsvCandles(dataFile('candles', 'bybit', `${marketId}_15m.csv`));
  cache.set(key, out);
  return out;
}

export interface FredRow {
  date: string;
  /** The raw value as FRED sends it: a number as text, or "." when missing. */
  value: string;
}

/** The three real FRED files; the other default series borrow one of them so all nine have FRED-shaped data. */
const FRED_FILES: Record<string, string> = {
  VIXCLS: 'VIXCLS',
  DTWEXBGS: 'DTWEXBGS',
  DGS10: 'DGS10',
  DFF: 'DGS10',
  DGS2: 'DGS10',
  SOFR: 'DGS10',
  DEXUSEU: 'DTWEXBGS',
  RRPONTSYD: 'DTWEXBGS',
  BAMLH0A0HYM2: 'VIXCLS',
};

const fredCache = new Map<string, FredRow[]>();

export function fredSeries(id: string): FredRow[] | undefined {
  const file = FRED_FILES[id];
  if (!file) return undefined;
  let rows = fredCache.get(file);
  if (!rows) {
    const lines = readFileSync(path.join(dataFile('fred'), `${file}.csv`), 'utf8').trim().split('\n').slice(1);
    rows = lines.map((l) => {
      const [date, value] = l.split(',');
      return { date, value: value === undefined || value.trim() === '' ? '.' : value.trim() };
    });
    fredCache.set(file, rows);
  }
  return rows;
}

export function fundingEvents(): { ts: number; rate: number }[] {
  const rows = JSON.parse(readFileSync(dataFile('funding', 'binance', 'BTC_USDT-8h-funding_rate.json'), 'utf8')) as number[][];
  return rows.map((r) => ({ ts: r[0], rate: r[1] }));
}

let exchangeInfoText: string | undefined;
export function exchangeInfo(): unknown {
  exchangeInfoText ??= readFileSync(dataFile('api-samples', 'binance', 'exchangeInfo.json'), 'utf8');
  return JSON.parse(exchangeInfoText);
}

/**
 * `GET /fapi/v1/exchangeInfo` for the USD-M perpetuals of the given spot market ids: the documented sample body
 * (Binance.Net's GetExchangeInfo example) with its one symbol entry copied per market, the assets renamed.
 */
export function futuresExchangeInfo(ids: readonly string[]): unknown {
  const body = sampleBody('binance', 'UsdFutures', 'ExchangeData', 'GetExchangeInfo.txt');
  const [template] = body.symbols as Record<string, unknown>[];
  body.symbols = ids.map((id) => {
    const base = id.replace(/USDT$/, '');
    return { ...template, symbol: id, pair: id, baseAsset: base, quoteAsset: 'USDT', marginAsset: 'USDT' };
  });
  return body;
}

/** The body of a provider documentation sample (`*.txt`: three header lines, then JSON). */
export function sampleBody(...parts: string[]): any {
  const text = readFileSync(dataFile('api-samples', ...parts), 'utf8');
  return JSON.parse(text.split('\n').slice(3).join('\n').replace(/\s+\/\/[^\n"]*$/gm, ''));
}
