import cliProgress from 'cli-progress';
import type { Logger } from '../core/log.js';

/**
 * Progress of long work (SPEC §3): a bar on a TTY, a log line every 10% otherwise. Returns the (done, total)
 * callback and a function that ends the bar.
 */
export function progressReporter(label: string, log: Logger, enabled = true): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
import type { Clock } from '../core/clock.js';
/** Progress of long work: a bar on a TTY, a log line every `everyMs` otherwise (SPEC §3). */
export function progressReporter(label: string, unit: string, log: Logger, clock: Clock, everyMs = 5000): { update(done: number, total: number): void; stop(): void } {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} eta {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
          bar.start(Math.max(1, Math.round(total)), 0);
        bar.setTotal(Math.max(1, Math.round(total)));
        bar.update(Math.round(done));
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, total) {
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        log.info({ done, total }, `${label}: ${decile * 10}%`);
      }
    },
    stop: () => {},
  let last = clock.now();
      const now = clock.now();
      if (now - last < everyMs && done < total) return;
      last = now;
      log.info({ done: Math.round(done), total: Math.round(total) }, `${label}: ${Math.round(done)}/${Math.round(total)} ${unit}`);
    stop: () => undefined,
  };
}
