import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerData } from './data.js';
import { registerDemo } from './demo.js';
import { registerPaper } from './paper.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [registerConfig, registerData, registerDemo, registerPaper];
