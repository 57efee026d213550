import type { Command } from 'commander';

/** A command file: the top-level command names it defines and how to load its register function. */
export interface CommandEntry {
  names: readonly string[];
  load: () => Promise<(program: Command) => void>;
}

/**
 * Every CLI command, one file each. Files are loaded only when their command runs (or for --help), so a quick
 * command never pays for the exchange library or the server.
 */
export const COMMANDS: CommandEntry[] = [
  { names: ['config'], load: async () => (await import('./config.js')).registerConfig },
  { names: ['import', 'export', 'gaps'], load: async () => (await import('./data.js')).registerData },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemo },
  { names: ['keys', 'audit', 'backup', 'restore'], load: async () => (await import('./security.js')).registerSecurity },
  { names: ['signals'], load: async () => (await import('./signals.js')).registerSignals },
  { names: ['strategies'], load: async () => (await import('./strategies.js')).registerStrategies },
  { names: ['report'], load: async () => (await import('./report.js')).registerReport },
  { names: ['collect'], load: async () => (await import('./collect.js')).registerCollect },
  { names: ['backfill'], load: async () => (await import('./backfill.js')).registerBackfill },
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { names: ['serve'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['backtest'], load: async () => (await import('./backtest.js')).registerBacktest },
  { names: ['optimize'], load: async () => (await import('./optimize.js')).registerOptimize },
  { names: ['paper'], load: async () => (await import('./paper.js')).registerPaper },
  { names: ['run'], load: async () => (await import('./run-pipeline.js')).registerRun },
  { names: ['worker'], load: async () => (await import('./worker.js')).registerWorker },
];
