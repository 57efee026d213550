import cliProgress from 'cli-progress';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';

/** Progress of long work: a bar on a TTY, a log line every `everyMs` otherwise (SPEC §3). */
export function progressReporter(label: string, unit: string, log: Logger, clock: Clock, everyMs = 5000): { update(done: number, total: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} eta {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(Math.max(1, Math.round(total)), 0);
          started = true;
        }
        bar.setTotal(Math.max(1, Math.round(total)));
        bar.update(Math.round(done));
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = clock.now();
  return {
    update(done, total) {
      const now = clock.now();
      if (now - last < everyMs && done < total) return;
      last = now;
      log.info({ done: Math.round(done), total: Math.round(total) }, `${label}: ${Math.round(done)}/${Math.round(total)} ${unit}`);
    },
    stop: () => undefined,
  };
}
