/**
 * Candle files: CSV with a header naming the time column (timestamp|time|date|open_time) and
 * open,high,low,close,volume, times as epoch ms, epoch s, ISO or `YYYY-MM-DD HH:MM:SS[+00:00]`; or a JSON array of
 * `[ts_ms, o, h, l, c, v]` (Freqtrade's layout). Bad rows are reported with their line number and skipped.
 */
import { candleProblem } from '../../core/candle-checks.js';
import { InputError } from '../../core/errors.js';
import { parseTimeLoose } from '../../core/time.js';
import type { Candle } from '../../core/types.js';

export interface RowProblem {
  line: number;
  reason: string;
}

export interface ParsedFile<T> {
  rows: T[];
  problems: RowProblem[];
  /** Lines read (data rows, not the header). */
  total: number;
}

const TIME_COLUMNS = ['timestamp', 'time', 'date', 'open_time', 'datetime', 'ts'];
const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Splits a CSV line on commas, honouring simple double quotes. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
  }
  return odd > 0 && odd / Math.max(1, sample.length) > 0.01;
}

export function parseCandleText(text: string, fileName: string, stepMs?: number): ParsedFile<Candle> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') throw new InputError('E_IMPORT_EMPTY', `${fileName}: the file is empty`);
  if (looksBinary(trimmed)) throw new InputError('E_IMPORT_FORMAT', `${fileName}: not a text file (binary content); expected a candle CSV or a JSON array`);
  if (trimmed.startsWith('[')) return parseCandleJson(trimmed, fileName, stepMs);
  return parseCandleCsv(trimmed, fileName, stepMs);
}

function parseCandleJson(text: string, fileName: string, stepMs?: number): ParsedFile<Candle> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError('E_IMPORT_FORMAT', `${fileName}: not valid JSON (${(err as Error).message}); expected an array of [ts_ms, open, high, low, close, volume]`);
  }
  if (!Array.isArray(data)) throw new InputError('E_IMPORT_FORMAT', `${fileName}: expected a JSON array of [ts_ms, open, high, low, close, volume]`);
  const rows: Candle[] = [];
  const problems: RowProblem[] = [];
  data.forEach((item, i) => {
    const line = i + 1;
    if (!Array.isArray(item) || item.length < 6) {
      problems.push({ line, reason: 'entry is not an array of [ts_ms, open, high, low, close, volume]' });
      return;
    }
    const [ts, open, high, low, close, volume] = item.map((v) => (typeof v === 'string' ? Number(v) : v)) as number[];
    const c: Candle = { ts: typeof ts === 'number' ? parseTimeLoose(ts) : Number.NaN, open, high, low, close, volume };
    const problem = typeof open === 'number' ? candleProblem(c, stepMs) : 'a price is missing or not a number';
    if (problem) problems.push({ line, reason: problem });
    else rows.push(c);
  });
  return { rows, problems, total: data.length };
}

function parseCandleCsv(text: string, fileName: string, stepMs?: number): ParsedFile<Candle> {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0]).map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const timeCol = header.findIndex((h) => TIME_COLUMNS.includes(h));
  const cols = FIELDS.map((f) => header.indexOf(f));
  if (timeCol < 0 || cols.some((c) => c < 0)) {
    const missing = [timeCol < 0 ? 'timestamp|time|date|open_time' : '', ...FIELDS.filter((_, i) => cols[i] < 0)].filter(Boolean);
    throw new InputError(
      'E_IMPORT_FORMAT',
      `${fileName}: not a candle CSV — the header must name a time column (timestamp, time, date or open_time) and open, high, low, close, volume; missing: ${missing.join(', ')}; first line was: ${JSON.stringify(lines[0].slice(0, 120))}`,
    );
  }
  const rows: Candle[] = [];
  const problems: RowProblem[] = [];
  let total = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    total++;
    const line = i + 1;
    const f = splitCsvLine(raw);
    if (f.length < header.length) {
      problems.push({ line, reason: `expected ${header.length} fields, found ${f.length}` });
      continue;
    }
    const ts = parseTimeLoose(f[timeCol]);
    if (!Number.isFinite(ts)) {
      problems.push({ line, reason: `cannot read time ${JSON.stringify(f[timeCol])}` });
      continue;
    }
    const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
    const c: Candle = { ts, open: num(f[cols[0]]), high: num(f[cols[1]]), low: num(f[cols[2]]), close: num(f[cols[3]]), volume: num(f[cols[4]]) };
    const problem = candleProblem(c, stepMs);
    if (problem) problems.push({ line, reason: problem });
    else rows.push(c);
  }
  return { rows, problems, total };
}

/** Sorts by time and keeps the last of duplicated timestamps, reporting each duplicate. */
export function dedupeCandles(parsed: ParsedFile<Candle>): ParsedFile<Candle> {
  const byTs = new Map<number, Candle>();
  const problems = [...parsed.problems];
  for (const c of parsed.rows) {
    if (byTs.has(c.ts)) problems.push({ line: 0, reason: `duplicate timestamp ${new Date(c.ts).toISOString()} (last one kept)` });
    byTs.set(c.ts, c);
  }
  const rows = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  return { rows, problems, total: parsed.total };
}
