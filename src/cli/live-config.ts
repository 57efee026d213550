/**
 * The live config of `mts run`: a ConfigHolder loading the same file, environment and flags the command started
 * with, checking that every enabled strategy accepts its parameters, watching the file and SIGHUP.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigHolder } from '../config/holder.js';
import { configFileOf, loadConfig } from '../config/load.js';
import { secretValues } from '../config/mask.js';
import type { Config } from '../config/schema.js';
import { addLogSecrets } from '../core/log.js';
import { enabledStrategies } from '../signals/generate.js';
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

export function liveConfig(ctx: CommandContext, cmd: Command): LiveConfig {
  const g = globalOptions(cmd);
  const flags = { config: g.config, dataDir: g.dataDir, db: g.db, logLevel: g.logLevel };
  const registry = new StrategyRegistry();
  const holder = new ConfigHolder(ctx.config, { load: () => loadConfig({ flags }), validate: (c) => checkStrategies(c, registry), log: ctx.log });
  // A reloaded config may bring new secrets (a webhook URL): the log must scrub them from the first line on.
  holder.subscribe(({ current }) => addLogSecrets(ctx.log, secretValues(current)));
  const rel = configFileOf(flags, process.env, process.cwd());
  const file = rel ? path.resolve(rel) : undefined;
  const stopWatching = file ? holder.watch(file) : watchSighupOnly(holder);
  ctx.log.info({ file: file ?? null }, file ? 'watching the config file (and SIGHUP) for live changes' : 'no config file: SIGHUP re-reads the environment');
  return { holder, file, stop: stopWatching };
}

function watchSighupOnly(holder: ConfigHolder): () => void {
  const onHup = () => holder.reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
