/**
 * Reads one alert file: `mts.alert/v1`, or a legacy file of the original system (see legacy.ts). Never throws
 * on bad input: the result says what is wrong (empty file, not JSON, a partial write, wrong types, NaN or huge
 * numbers, an unknown asset) so a consumer can skip the file and report it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { replacePythonNonFinite, liftLegacy } from './legacy.js';
import { ALERT_SCHEMA, type Alert, validateAlert } from './schema.js';
import { isTempAlertFile } from './writer.js';

export type ReadAlertResult = { ok: true; alert: Alert; legacy: boolean } | { ok: false; reason: string };

/** Larger than any real alert by far; a bigger file is not an alert. */
const MAX_BYTES = 4 * 1024 * 1024;

export async function readAlertFile(file: string): Promise<ReadAlertResult> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    if (st.size > MAX_BYTES) return { ok: false, reason: `too large (${st.size} bytes; an alert is a few kB)` };
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  return parseAlertText(text, path.basename(file));
}

/** Parses alert text as read from `fileName` (the name matters for legacy files: time and id come from it). */
export function parseAlertText(text: string, fileName: string): ReadAlertResult {
  if (text.trim() === '') return { ok: false, reason: 'empty file' };
  let raw: unknown;
  let legacyNonFinite = false;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // Python's json wrote NaN/Infinity; accept them (as null) only in files without our schema tag.
    const relaxed = replacePythonNonFinite(text);
    try {
      if (relaxed === text) throw err;
      raw = JSON.parse(relaxed);
      legacyNonFinite = true;
    } catch {
      const msg = (err as Error).message;
      const truncated = /end of (JSON )?input|Unterminated|Expected/.test(msg) && !text.trimEnd().endsWith('}');
      return { ok: false, reason: truncated ? `not valid JSON: truncated (a partial write?): ${msg}` : `not valid JSON: ${msg}` };
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: `not a JSON object (got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw})` };
  }
  const obj = raw as Record<string, unknown>;
  if (obj.schema !== undefined) {
    if (obj.schema !== ALERT_SCHEMA) return { ok: false, reason: `schema: unknown "${String(obj.schema)}" (this version reads ${ALERT_SCHEMA} and legacy files)` };
    if (legacyNonFinite) return { ok: false, reason: 'not valid JSON: NaN or Infinity in a mts.alert/v1 file' };
    const v = validateAlert(obj);
    return v.ok ? { ok: true, alert: v.alert, legacy: false } : v;
  }
  const lifted = liftLegacy(obj, fileName, text);
  if (!lifted.ok) return { ok: false, reason: `legacy alert: ${lifted.reason}` };
  const v = validateAlert(lifted.value);
  return v.ok ? { ok: true, alert: v.alert, legacy: true } : { ok: false, reason: `legacy alert: ${v.reason}` };
}

/** The alert files in a directory (`*.json`, temporary files excluded), oldest name first. */
export async function listAlertFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && !isTempAlertFile(n))
    .sort()
    .map((n) => path.join(dir, n));
}
