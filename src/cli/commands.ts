import type { Command } from 'commander';
import { registerBacktest } from './backtest.js';
import { registerConfig } from './config.js';
import { registerOptimize } from './optimize.js';
import { registerReport } from './report.js';
import { registerSignals } from './signals.js';
import { registerStrategies } from './strategies.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [registerConfig, registerSignals, registerStrategies, registerBacktest, registerOptimize, registerReport];
