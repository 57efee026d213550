// Worker entry when MTS runs from its TypeScript sources: registers tsx in this thread (the --import flag is not
// honoured in worker threads on Node 20), then loads the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./optimize-worker.ts');
