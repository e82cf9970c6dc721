// Runs the real `aox` executable (node tools/aox.mjs) as a child process, pointed at a test
// database through AOX_* environment variables, from a scratch directory so that no
// archiveopteryx.conf of the checkout is picked up.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '../helpers/db.ts';

export const AOX = fileURLToPath(new URL('../../tools/aox.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** written to standard input, which is then closed */
  input?: string;
  cwd?: string;
}

/** The environment without anything that would point aox somewhere else. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AOX_') && !k.startsWith('PG') && k !== 'DATABASE_URL') env[k] = v;
  }
  return env;
}

export function aox(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [AOX, ...args], {
      env: { ...cleanEnv(), ...o.env }, cwd: o.cwd ?? tmpdir(), timeout: 60_000, encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(o.input ?? '');
  });
}

/** AOX_* variables that make aox use a test database (no configuration file needed). */
export function databaseEnv(db: TestDatabase): Record<string, string> {
  return {
    AOX_DB_ADDRESS: String(db.owner.host ?? process.env.PGHOST ?? '127.0.0.1'),
    AOX_DB_PORT: String(db.owner.port ?? process.env.PGPORT ?? 5432),
    AOX_DB_NAME: db.name,
    AOX_DB_USER: String(db.frontend.user),
    AOX_DB_PASSWORD: String(db.frontend.password),
    AOX_DB_OWNER: String(db.owner.user),
    AOX_DB_OWNER_PASSWORD: String(db.owner.password),
  };
}

export interface Scratch {
  dir: string;
  remove(): void;
}

export function scratchDir(prefix = 'aox-cli-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
