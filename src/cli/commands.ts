import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerServe } from './serve.js';

/** Every CLI command, one register function per file. */
export const COMMANDS: ((program: Command) => void)[] = [registerConfig, registerServe];
