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
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
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
  };
}
