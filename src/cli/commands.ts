import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerSignals } from './signals.js';
import { registerStrategies } from './strategies.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [registerConfig, registerSignals, registerStrategies];
