import type { Command } from 'commander';
import { type Config, type ConfigFlags, loadConfig, secretValues } from '../config/index.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { ExitCode } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';
import { openStore, type Store } from '../storage/store.js';

/** Global flags of SPEC §3, available on every command. */
export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  db?: string;
  logLevel?: string;
  json?: boolean;
}

/** What every command gets: validated config, the logger, the clock, stdout, and the store on demand. */
export interface CommandContext {
  config: Config;
  log: Logger;
  clock: Clock;
  json: boolean;
  /** Writes a result line to stdout. */
  out(text: string): void;
  /** Opens (once) and returns the store; closed when the command ends. */
  store(): Promise<Store>;
  /** Sets the exit code the command ends with (e.g. 3 for partial success). */
  exit(code: number): void;
  exitCode: number;
  /** Resources to close when the command ends. */
  onClose(fn: () => Promise<void> | void): void;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function createContext(opts: GlobalOptions, overrides?: ConfigFlags): CommandContext {
  const config = loadConfig({ flags: { config: opts.config, dataDir: opts.dataDir, db: opts.db, logLevel: opts.logLevel, ...overrides } });
  const log = createLogger({ level: config.logLevel, secrets: secretValues(config) });
  let storePromise: Promise<Store> | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  const ctx: CommandContext = {
    config,
    log,
    clock: new SystemClock(),
    json: opts.json === true,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    store: () => {
      storePromise ??= openStore(config.dbUrl).then((s) => {
        closers.push(() => s.close());
        return s;
      });
      return storePromise;
    },
    exitCode: ExitCode.Ok,
    exit(code) {
      ctx.exitCode = code;
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
  (ctx as { close?: () => Promise<void> }).close = async () => {
    for (const fn of closers.reverse()) await fn();
  };
  return ctx;
}

export async function closeContext(ctx: CommandContext): Promise<void> {
  await (ctx as { close?: () => Promise<void> }).close?.();
}
