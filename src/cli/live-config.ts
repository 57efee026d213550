/**
 * The live config of `mts run`: a ConfigHolder loading the same file, environment and flags the command started
 * with, checking that every enabled strategy accepts its parameters, watching the file and SIGHUP.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigHolder, type ReloadResult } from '../config/holder.js';
import { configFileOf, loadConfig } from '../config/load.js';
import { secretValues } from '../config/mask.js';
import type { Config } from '../config/schema.js';
import { addLogSecrets } from '../core/log.js';
import { enabledStrategies } from '../signals/generate.js';
import type { Store } from '../storage/store.js';
import { StrategyRegistry } from '../strategies/registry.js';
import type { CommandContext } from './context.js';
import { globalOptions } from './context.js';

/** Throws when an enabled strategy refuses its configured parameters, naming it. */
export function checkStrategies(config: Config, registry = new StrategyRegistry()): void {
  for (const e of enabledStrategies(registry, config)) {
    try {
      e.strategy.resolveParams(config.strategies[e.name]?.params ?? {});
    } catch (err) {
      throw new Error(`strategies.${e.name}.params: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export interface LiveConfig {
  holder: ConfigHolder;
  /** The file watched, if any. */
  file?: string;
  stop(): void;
}

/** Config changes from the file or SIGHUP go to the audit log (those asked for over the API are audited there). */
function auditReload(ctx: CommandContext, store: Store | undefined, file: string | undefined) {
  return (reason: string, r: ReloadResult) => {
    if (!store || reason === 'api') return;
    const detail = r.ok ? `changed: ${r.changed.join(', ') || 'nothing'}${r.needsRestart.length ? `; needs a restart, not applied: ${r.needsRestart.join(', ')}` : ''}` : r.error.slice(0, 500);
    store.security
      .audit({ ts: ctx.clock.now(), actor: reason === 'SIGHUP' ? 'signal:SIGHUP' : `file:${file ?? '(none)'}`, action: 'config reload', origin: 'local', result: r.ok ? 'ok' : 'error', detail })
      .catch((err) => ctx.log.error({ error: err instanceof Error ? err.message : String(err) }, 'audit log write failed'));
  };
}

export function liveConfig(ctx: CommandContext, cmd: Command, store?: Store): LiveConfig {
  const g = globalOptions(cmd);
  const flags = { config: g.config, dataDir: g.dataDir, db: g.db, logLevel: g.logLevel };
  const registry = new StrategyRegistry();
  const rel = configFileOf(flags, process.env, process.cwd());
  const file = rel ? path.resolve(rel) : undefined;
  const holder = new ConfigHolder(ctx.config, { load: () => loadConfig({ flags }), validate: (c) => checkStrategies(c, registry), log: ctx.log, onReload: auditReload(ctx, store, file) });
  // A reloaded config may bring new secrets (a webhook URL): the log must scrub them from the first line on.
  holder.subscribe(({ current }) => addLogSecrets(ctx.log, secretValues(current)));
  const stopWatching = file ? holder.watch(file) : watchSighupOnly(holder);
  ctx.log.info({ file: file ?? null }, file ? 'watching the config file (and SIGHUP) for live changes' : 'no config file: SIGHUP re-reads the environment');
  return { holder, file, stop: stopWatching };
}

function watchSighupOnly(holder: ConfigHolder): () => void {
  const onHup = () => holder.reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
