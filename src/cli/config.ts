import type { Command } from 'commander';
import YAML from 'yaml';
import { maskConfig } from '../config/mask.js';
import { action } from './run.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the effective configuration (defaults < file < env < flags), secrets masked')
    .action(
      action(async (ctx) => {
        const masked = maskConfig(ctx.config);
        ctx.out(ctx.json ? JSON.stringify(masked, null, 2) : YAML.stringify(masked));
      }),
    );
}
