/**
 * The running configuration of a long-lived process (`mts run`), replaceable without a restart. The config file is
 * read again on a change (fs.watch) or on SIGHUP, validated in full first (loadConfig plus the caller's checks); an
 * invalid file is rejected and logged and the running config stays. Only the sections that are read afresh at each
 * use change live — strategy parameters, weights and switches, aggregation thresholds, risk limits, notifier
 * settings; a change anywhere else (sources, tiers, storage, server) is logged as needing a restart and not applied.
 *
 * Strategies can also be paused and resumed at run time (the server's operator routes); a pause outlives reloads.
 */
import { watch as fsWatch } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/log.js';
import type { Config } from './schema.js';

export const LIVE_SECTIONS = ['strategies', 'aggregation', 'risk', 'notifiers'] as const;
export type LiveSection = (typeof LIVE_SECTIONS)[number];

export interface ConfigChange {
  previous: Config;
  current: Config;
  /** The live sections whose values changed (empty for a pause or resume). */
  changed: LiveSection[];
  /** What caused it: `file`, `SIGHUP`, `pause <name>`, … */
  reason: string;
}

export type ReloadResult = { ok: true; changed: LiveSection[]; needsRestart: string[] } | { ok: false; error: string };

export interface ConfigHolderOptions {
  /** Reads and validates the config again (loadConfig with the process's flags and environment). */
  load: () => Config;
  /** Extra checks a new config must pass (e.g. every enabled strategy accepts its parameters); throw to reject. */
  validate?: (config: Config) => void;
  log: Logger;
  /** Told of every reload attempt and its outcome (`mts run` writes them to the audit log). */
  onReload?: (reason: string, result: ReloadResult) => void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export class ConfigHolder {
  /** The last accepted file config (live sections applied, restart-only sections as started). */
  private base: Config;
  private effective: Config;
  private readonly pausedNames = new Set<string>();
  private readonly listeners = new Set<(change: ConfigChange) => void>();

  constructor(
    initial: Config,
    private readonly o: ConfigHolderOptions,
  ) {
    this.base = initial;
    this.effective = initial;
  }

  /** The config to use now; read it at each use rather than keeping it. */
  get current(): Config {
    return this.effective;
  }

  get paused(): string[] {
    return [...this.pausedNames].sort();
  }

  /** Called after every accepted change; returns the unsubscribe function. */
  subscribe(fn: (change: ConfigChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Reads the file again; applies its live sections when valid, keeps everything when not. */
  reload(reason: string): ReloadResult {
    const result = this.read(reason);
    this.o.onReload?.(reason, result);
    return result;
  }

  private read(reason: string): ReloadResult {
    let next: Config;
    try {
      next = this.o.load();
      this.o.validate?.(next);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.o.log.error({ reason, error }, 'config reload rejected; the running config stays');
      return { ok: false, error };
    }
    const changed = LIVE_SECTIONS.filter((s) => !same(this.base[s], next[s]));
    const needsRestart = Object.keys(next).filter((k) => !(LIVE_SECTIONS as readonly string[]).includes(k) && !same((this.base as Record<string, unknown>)[k], (next as Record<string, unknown>)[k]));
    if (needsRestart.length) this.o.log.warn({ reason, sections: needsRestart }, 'config changes that need a restart were not applied');
    if (changed.length === 0) {
      this.o.log.info({ reason }, 'config re-read; no live setting changed');
      return { ok: true, changed, needsRestart };
    }
    const live = Object.fromEntries(changed.map((s) => [s, next[s]]));
    this.base = deepFreeze({ ...this.base, ...live }) as Config;
    this.apply(reason, changed);
    this.o.log.info({ reason, changed }, 'config reloaded');
    return { ok: true, changed, needsRestart };
  }

  /** Stops a strategy from running until resumed (whatever the file says). */
  pause(name: string): void {
    this.pausedNames.add(name);
    this.apply(`pause ${name}`, []);
  }

  resume(name: string): boolean {
    const had = this.pausedNames.delete(name);
    if (had) this.apply(`resume ${name}`, []);
    return had;
  }

  /**
   * Reloads when the file changes (its folder is watched, since editors replace files by renaming) and on SIGHUP.
   * Returns the function that stops both.
   */
  watch(file: string, opts: { debounceMs?: number; sighup?: boolean } = {}): () => void {
    const abs = path.resolve(file);
    const debounce = opts.debounceMs ?? 200;
    let timer: NodeJS.Timeout | undefined;
    const watcher = fsWatch(path.dirname(abs), (_event, name) => {
      if (name !== null && name !== path.basename(abs)) return;
      // One save is often several events (truncate, write, rename); read once they settle.
      clearTimeout(timer);
      timer = setTimeout(() => this.reload('file'), debounce);
    });
    watcher.on('error', (err) => this.o.log.error({ file: abs, error: err.message }, 'config file watch failed; SIGHUP still reloads'));
    const onHup = () => this.reload('SIGHUP');
    if (opts.sighup !== false) process.on('SIGHUP', onHup);
    return () => {
      clearTimeout(timer);
      watcher.close();
      process.off('SIGHUP', onHup);
    };
  }

  private apply(reason: string, changed: LiveSection[]): void {
    const previous = this.effective;
    let strategies = this.base.strategies;
    if (this.pausedNames.size) {
      strategies = { ...strategies };
      for (const name of this.pausedNames) strategies[name] = { ...(strategies[name] ?? { params: {} }), enabled: false };
    }
    this.effective = deepFreeze({ ...this.base, strategies }) as Config;
    for (const fn of this.listeners) {
      try {
        fn({ previous, current: this.effective, changed, reason });
      } catch (err) {
        this.o.log.error({ reason, error: err instanceof Error ? err.message : String(err) }, 'a config subscriber failed');
      }
    }
  }
}
