import type { Command } from 'commander';
import { registerBackfill } from './backfill.js';
import { registerCollect } from './collect.js';
import { registerConfig } from './config.js';
import { registerData } from './data.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerRun } from './run-pipeline.js';
import { registerServe } from './serve.js';
import { registerSignals } from './signals.js';
import { registerStrategies } from './strategies.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [
  registerConfig,
  registerData,
  registerDemo,
  registerCollect,
  registerBackfill,
  registerDoctor,
  registerSignals,
  registerStrategies,
  registerServe,
  registerRun,
];
