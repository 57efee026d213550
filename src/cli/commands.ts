import type { Command } from 'commander';
import { registerBacktest } from './backtest.js';
import { registerConfig } from './config.js';
import { registerData } from './data.js';
import { registerDemo } from './demo.js';
import { registerOptimize } from './optimize.js';
import { registerPaper } from './paper.js';
import { registerReport } from './report.js';
import { registerSignals } from './signals.js';
import { registerStrategies } from './strategies.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [
  registerConfig,
  registerData,
  registerDemo,
  registerSignals,
  registerStrategies,
  registerBacktest,
  registerOptimize,
  registerReport,
  registerPaper,
];
