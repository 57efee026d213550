// Worker entry when MTS runs from its TypeScript sources: registers tsx in this thread (the --import flag is not
// honoured in worker threads on Node 20) and the `mts` alias for user strategy files, then loads the worker module.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
registerHooks('../../bin/resolve-mts.mjs', import.meta.url);
await import('./optimize-worker.ts');
