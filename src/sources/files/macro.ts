/**
 * Macro files: CSV `date,value`, FRED's download layout `observation_date,<SERIES_ID>`, or any `date,<name>` pair.
 * An empty value or "." (FRED's missing marker) is a missing observation, stored as null.
 */
import { InputError } from '../../core/errors.js';
import { DAY_MS, parseTimeLoose } from '../../core/time.js';
import type { MacroObservation } from '../../core/types.js';
import { type ParsedFile, type RowProblem, splitCsvLine } from './candles.js';

export function parseMacroText(text: string, fileName: string, series: string): ParsedFile<MacroObservation> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') throw new InputError('E_IMPORT_EMPTY', `${fileName}: the file is empty`);
  const lines = trimmed.split(/\r?\n/);
  const header = splitCsvLine(lines[0]).map((h) => h.trim().toLowerCase());
  const dateCol = header.findIndex((h) => h === 'date' || h === 'observation_date' || h === 'timestamp' || h === 'time');
  if (dateCol < 0 || header.length < 2) {
    throw new InputError(
      'E_IMPORT_FORMAT',
      `${fileName}: not a macro CSV — expected a header "date,value" or "observation_date,${series}"; first line was: ${JSON.stringify(lines[0].slice(0, 120))}`,
    );
  }
  const valueCol = header.indexOf('value') >= 0 ? header.indexOf('value') : header.indexOf(series.toLowerCase()) >= 0 ? header.indexOf(series.toLowerCase()) : dateCol === 0 ? 1 : 0;
  const rows: MacroObservation[] = [];
  const problems: RowProblem[] = [];
  let total = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    total++;
    const f = splitCsvLine(raw);
    const t = parseTimeLoose(f[dateCol] ?? '');
    if (!Number.isFinite(t)) {
      problems.push({ line: i + 1, reason: `cannot read date ${JSON.stringify(f[dateCol] ?? '')}` });
      continue;
    }
    if (t % DAY_MS !== 0) {
      problems.push({ line: i + 1, reason: `date ${JSON.stringify(f[dateCol])} is not a calendar day` });
      continue;
    }
    const v = (f[valueCol] ?? '').trim();
    if (v === '' || v === '.') {
      rows.push({ series, date: t, value: null });
      continue;
    }
    const n = Number(v);
    if (!Number.isFinite(n)) {
      problems.push({ line: i + 1, reason: `value ${JSON.stringify(v)} is not a number` });
      continue;
    }
    rows.push({ series, date: t, value: n });
  }
  return { rows, problems, total };
}
