/**
 * The alert consumer: one pass over the alerts directory (`drain`). Every `*.json` file there is read (never
 * through a link, never outside the directory), parsed by the signals module's reader (mts.alert/v1 and legacy
 * files), turned into a trading intention, and handed to the engine in alert-time order. Afterwards:
 * - a file the engine consumed (applied, refused, skipped or already consumed) moves to `processed/`;
 * - a file that is not a usable alert moves to `rejected/` beside `<name>.reason.txt`.
 * Moves happen only after the engine's transaction committed, and each step is idempotent, so a crash anywhere
 * leaves files that the next pass finishes: an id already recorded is simply moved. Bad input never stops a pass.
 */
import { closeSync, constants, fstatSync, promises as fs, openSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/log.js';
import { isTempAlertFile, parseAlertText } from '../signals/alerts/index.js';
import type { AlertOutcome, PaperEngine } from './engine.js';
import { intentFromAlert, type PaperIntent } from './intent.js';

/** Far larger than any real alert; a bigger file is not one. */
const MAX_ALERT_BYTES = 1024 * 1024;
/** Alerts applied per transaction when several are waiting (one alone is applied alone). */
const BATCH = 100;
/** Leaves room for `.reason.txt` under the usual 255-byte name limit. */
const MAX_REASON_NAME = 200;

export interface ConsumerOptions {
  dir: string;
  engine: PaperEngine;
  /** Symbols the paper trader trades (config.assets). */
  assets: readonly string[];
  log: Logger;
}

export interface DrainResult {
  applied: number;
  /** Consumed but not traded (refused, skipped) or already consumed. */
  consumed: number;
  quarantined: number;
  /** Files left for the next pass because of an I/O or database error. */
  failed: number;
  outcomes: { file: string; status: AlertOutcome['status'] | 'malformed'; reason: string | null }[];
}

type Read = { ok: true; text: string } | { ok: false; reason: string };

export class AlertConsumer {
  readonly processedDir: string;
  readonly rejectedDir: string;

  constructor(private readonly o: ConsumerOptions) {
    this.processedDir = path.join(o.dir, 'processed');
    this.rejectedDir = path.join(o.dir, 'rejected');
  }

  async prepare(): Promise<void> {
    await fs.mkdir(this.processedDir, { recursive: true });
    await fs.mkdir(this.rejectedDir, { recursive: true });
  }

  /** One pass over the files present now; `stop` is asked before each batch (a stopping daemon leaves the rest). */
  async drain(stop: () => boolean = () => false): Promise<DrainResult> {
    const res: DrainResult = { applied: 0, consumed: 0, quarantined: 0, failed: 0, outcomes: [] };
    const ready: { intent: PaperIntent; name: string }[] = [];
    for (const entry of await fs.readdir(this.o.dir, { withFileTypes: true })) {
      const name = entry.name;
      if (entry.isDirectory() || !isAlertName(name)) continue;
      try {
        const read: Read = entry.isSymbolicLink()
          ? { ok: false, reason: 'a symbolic link (not followed)' }
          : entry.isFile()
            ? this.readFile(name)
            : { ok: false, reason: 'not a regular file' };
        if (!read.ok) {
          await this.quarantine(name, read.reason, res);
          continue;
        }
        const parsed = parseAlertText(read.text, name);
        if (!parsed.ok) {
          await this.quarantine(name, parsed.reason, res);
          continue;
        }
        const intent = intentFromAlert(parsed.alert, this.o.assets);
        if (!intent.ok) {
          await this.quarantine(name, intent.reason, res);
          continue;
        }
        ready.push({ intent: intent.intent, name });
      } catch (err) {
        res.failed++;
        this.o.log.error({ file: name, err: String(err) }, 'paper: could not inspect an alert file; it stays for the next pass');
      }
    }
    // Alert time order (then id) makes the result independent of when each file was noticed.
    ready.sort((a, b) => a.intent.ts - b.intent.ts || cmp(a.intent.id, b.intent.id) || cmp(a.name, b.name));
    for (let i = 0; i < ready.length && !stop(); i += BATCH) {
      const batch = ready.slice(i, i + BATCH);
      try {
        const outcomes = await this.o.engine.applyAlerts(batch.map(({ intent, name }) => ({ intent, file: name })));
        for (let j = 0; j < batch.length; j++) {
          await moveInto(path.join(this.o.dir, batch[j].name), this.processedDir);
          if (outcomes[j].status === 'applied') res.applied++;
          else res.consumed++;
          res.outcomes.push({ file: batch[j].name, status: outcomes[j].status, reason: outcomes[j].reason });
        }
      } catch (err) {
        // Later alerts wait too: applying them first would change the order the book sees them in.
        res.failed += ready.length - i;
        this.o.log.error({ files: batch.length, err: String(err) }, 'paper: alerts not applied (error); they stay for the next pass');
        break;
      }
    }
    return res;
  }

  /**
   * Reads a file without following a link, refusing anything too large to be an alert. Synchronous on purpose:
   * alert files are a few kB, and four thread-pool round trips per file would cost more than the reads.
   */
  private readFile(name: string): Read {
    let fd: number;
    try {
      fd = openSync(path.join(this.o.dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return { ok: false, reason: 'a symbolic link (not followed)' };
      throw err;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
      if (st.size > MAX_ALERT_BYTES) return { ok: false, reason: `too large (${st.size} bytes; an alert is a few kB)` };
      return { ok: true, text: readFileSync(fd, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  /** Moves a bad file to rejected/ with its reason beside it, and records it once (for the status counts). */
  private async quarantine(name: string, reason: string, res: DrainResult): Promise<void> {
    await this.o.engine.recordMalformed(name, reason);
    const reasonName = `${name.length > MAX_REASON_NAME ? name.slice(0, MAX_REASON_NAME) : name}.reason.txt`;
    await fs.writeFile(path.join(this.rejectedDir, reasonName), `${name}\n${reason}\n`);
    await moveInto(path.join(this.o.dir, name), this.rejectedDir);
    res.quarantined++;
    res.outcomes.push({ file: name, status: 'malformed', reason });
    this.o.log.warn({ file: name }, `paper: alert file rejected: ${reason}`);
  }
}

/** Alert files are `*.json`; the writer's temporary files (`.<name>.<pid>.<rand>.tmp`) are not (yet) alerts. */
export function isAlertName(name: string): boolean {
  return name.endsWith('.json') && !isTempAlertFile(name) && name !== '.json' && name === path.basename(name);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Renames a file into a directory; a file already gone (moved before a crash) is fine. */
async function moveInto(file: string, dir: string): Promise<void> {
  try {
    renameSync(file, path.join(dir, path.basename(file)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
