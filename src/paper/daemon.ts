/**
 * The paper trading loop: drains the alerts directory whenever it changes (fs.watch) and at least every
 * `rescanInterval` (watching misses events on some file systems and across restarts), checks held positions'
 * stops and targets against newly stored candles, and records an equity point every `snapshotInterval`.
 * Stopping (the abort signal) lets the alert in hand finish; nothing is left half-applied.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { AlertConsumer, DrainResult } from './consumer.js';
import type { PaperEngine } from './engine.js';

export interface DaemonOptions {
  dir: string;
  consumer: AlertConsumer;
  engine: PaperEngine;
  clock: Clock;
  log: Logger;
  rescanMs: number;
  snapshotMs: number;
  signal: AbortSignal;
  /** Called after every pass (tests and the bench observe progress with it). */
  onPass?: (r: DrainResult) => void;
}

export interface DaemonSummary {
  passes: number;
  applied: number;
  consumed: number;
  quarantined: number;
  failed: number;
}

export async function runPaperDaemon(o: DaemonOptions): Promise<DaemonSummary> {
  const summary: DaemonSummary = { passes: 0, applied: 0, consumed: 0, quarantined: 0, failed: 0 };
  let dirty = true;
  let wake: (() => void) | undefined;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(o.dir, { persistent: false }, poke);
    watcher.on('error', (err) => o.log.warn({ err: String(err) }, 'paper: watching the alerts dir failed; rescanning only'));
  } catch (err) {
    o.log.warn({ err: String(err) }, 'paper: cannot watch the alerts dir; rescanning only');
  }
  o.signal.addEventListener('abort', poke, { once: true });
  let nextScan = 0;
  let nextCandleCheck = 0;
  let nextSnapshot = o.clock.now() + o.snapshotMs;
  try {
    while (!o.signal.aborted) {
      const now = o.clock.now();
      if (dirty || now >= nextScan) {
        dirty = false;
        nextScan = now + o.rescanMs;
        const r = await o.consumer.drain(() => o.signal.aborted);
        summary.passes++;
        summary.applied += r.applied;
        summary.consumed += r.consumed;
        summary.quarantined += r.quarantined;
        summary.failed += r.failed;
        o.onPass?.(r);
      }
      if (o.clock.now() >= nextCandleCheck) {
        nextCandleCheck = o.clock.now() + o.rescanMs;
        await o.engine.checkStoredCandles().catch((err) => o.log.error({ err: String(err) }, 'paper: checking stored candles failed'));
      }
      if (o.clock.now() >= nextSnapshot) {
        nextSnapshot = o.clock.now() + o.snapshotMs;
        await o.engine.snapshotEquity().catch((err) => o.log.error({ err: String(err) }, 'paper: equity snapshot failed'));
      }
      if (dirty || o.signal.aborted) continue;
      const wait = Math.max(1, Math.min(nextScan, nextSnapshot) - o.clock.now());
      const timer = new AbortController();
      await new Promise<void>((resolve) => {
        wake = resolve;
        o.clock.sleep(wait, timer.signal).then(resolve, resolve);
      });
      wake = undefined;
      timer.abort();
    }
  } finally {
    watcher?.close();
  }
  return summary;
}
