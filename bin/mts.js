#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so a clone needs no build step.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
// after tsx, so it runs first: `import … from 'mts'` works in user strategy files anywhere
registerHooks('./resolve-mts.mjs', import.meta.url);
await import('../src/cli/main.ts');
