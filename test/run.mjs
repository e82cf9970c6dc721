// The test command's runner: mocha over every suite, with the global setup that provides a real
// PostgreSQL (PG*/DATABASE_URL if set, else the embedded one). Extra arguments are passed to mocha
// (e.g. `npm run test:only -- 'test/sql/*.test.ts'`).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const r = spawnSync(process.execPath, [
  '--import', 'tsx',
  'node_modules/mocha/bin/mocha.js',
  '--require', 'test/helpers/global-setup.ts',
  '--reporter', './test/helpers/summary-reporter.cjs',
  '--timeout', '30000',
  '--exit',
  ...flags,
  ...(files.length ? files : ['test/unit/**/*.test.ts', 'test/sql/**/*.test.ts', 'test/integration/**/*.test.ts']),
], { stdio: 'inherit' });
process.exit(r.status ?? 1);
