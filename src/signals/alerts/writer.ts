/**
 * Writes alerts as files, atomically: the JSON goes to a temporary name in the same directory (dot-prefixed,
 * `.tmp` suffix, so nothing that lists `*.json` ever sees it), is fsynced, then renamed over the final name and
 * the directory fsynced. A crash at any point leaves either no `.json` or a complete one — the original wrote
 * in place and left truncated, invalid files.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { type Alert, describeIssues, alertSchema } from './schema.js';

/** `signal` for trading_signal, `volatility` for volatility_spike. */
export function alertKind(alert: Pick<Alert, 'alert_type'>): 'signal' | 'volatility' {
  return alert.alert_type === 'volatility_spike' ? 'volatility' : 'signal';
}

function stamp(ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** `<kind>_alert_<asset>_<YYYYmmdd_HHMMSS>_<id8>.json`, the time in UTC. */
export function alertFileName(alert: Pick<Alert, 'alert_type' | 'asset' | 'timestamp' | 'id'>): string {
  return `${alertKind(alert)}_alert_${alert.asset}_${stamp(alert.timestamp)}_${alert.id.replace(/-/g, '').slice(0, 8)}.json`;
}

/** True for the temporary names the writer uses (to sweep leftovers of a crash). */
export function isTempAlertFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

export interface WriteAlertOptions {
  /** Called after the temporary file is written and synced, before the rename (tests use it to crash there). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/**
 * Validates the alert and writes it into `dir` (created if missing). Returns the final path. An invalid alert
 * is never written: it raises an InputError naming the fields.
 */
export async function writeAlert(alert: Alert, dir: string, opts: WriteAlertOptions = {}): Promise<string> {
  const checked = alertSchema.safeParse(alert);
  if (!checked.success) throw new InputError('alert_invalid', `alert ${String(alert.id)}: ${describeIssues(checked.error)}`);
  await fs.mkdir(dir, { recursive: true });
  const name = alertFileName(checked.data);
  const finalPath = path.join(dir, name);
  const tempPath = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const body = `${JSON.stringify(checked.data, null, 2)}\n`;
  const fh = await fs.open(tempPath, 'wx');
  try {
    await fh.writeFile(body, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await fs.rm(tempPath, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await opts.beforeRename?.(tempPath);
    await fs.rename(tempPath, finalPath);
  } catch (err) {
    await fs.rm(tempPath, { force: true });
    throw err;
  }
  await syncDir(dir);
  return finalPath;
}

/** Makes the rename durable. Some platforms cannot open a directory for fsync; the rename is still atomic there. */
async function syncDir(dir: string): Promise<void> {
  let dh: fs.FileHandle | undefined;
  try {
    dh = await fs.open(dir, 'r');
    await dh.sync();
  } catch {
    // best effort: see above
  } finally {
    await dh?.close().catch(() => {});
  }
}

/** Removes temporary files older than `olderThanMs` left by a writer that crashed; returns how many. */
export async function sweepTempAlertFiles(dir: string, now: number, olderThanMs = 60_000): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!isTempAlertFile(name)) continue;
    const p = path.join(dir, name);
    const st = await fs.stat(p).catch(() => null);
    if (st && now - st.mtimeMs >= olderThanMs) {
      await fs.rm(p, { force: true });
      removed++;
    }
  }
  return removed;
}
