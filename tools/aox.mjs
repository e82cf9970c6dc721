#!/usr/bin/env node
// The `aox` executable (package.json "bin"): registers tsx so that the TypeScript sources run
// directly, then hands over to tools/aox.ts.
import { register } from 'tsx/esm/api';

register();
await import('./aox.ts');
