// Entry point of an import parse worker (tools/import/parse-pool.ts): registers tsx, as
// tools/aox.mjs does, so that the TypeScript parser runs in the worker thread too.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
