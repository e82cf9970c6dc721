// Runs the real `aox` (tools/aox.ts, as tools/aox.mjs does) as a child process
// against a test database, like cli-helpers.ts does for the registry's commands.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '../helpers/db.ts';
import { databaseEnv, type CliResult } from './cli-helpers.ts';
import { formatTable } from '../../tools/lib/output.ts';

const RUNNER = fileURLToPath(new URL('../../tools/aox.ts', import.meta.url));
// absolute, since the child runs in a scratch directory where "tsx" would not resolve
const TSX = import.meta.resolve('tsx');

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AOX_') && !k.startsWith('PG') && k !== 'DATABASE_URL') env[k] = v;
  }
  return env;
}

function childEnv(db: TestDatabase, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return { ...cleanEnv(), ...databaseEnv(db), AOX_CONFIG: '/nonexistent/archiveopteryx.conf', ...extraEnv };
}

/** A running aox child, for tests that interrupt it. */
export function spawnAox(db: TestDatabase, args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', TSX, RUNNER, ...args], { env: childEnv(db, {}), cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr }));
  });
  return { child, done };
}

export function aoxFor(db: TestDatabase, extraEnv: Record<string, string> = {}) {
  const env = childEnv(db, extraEnv);
  return (...args: string[]): Promise<CliResult> => new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, RUNNER, ...args], {
      env, cwd: tmpdir(), timeout: 300_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The same commands run inside the test process (much quicker than a child that loads tsx and
 * the whole registry): a fresh commander program per call, output captured, configuration from
 * AOX_* variables set for the duration of the call.
 */
export function aoxInProcess(db: TestDatabase) {
  const env: Record<string, string> = { ...databaseEnv(db), AOX_CONFIG: '/nonexistent/archiveopteryx.conf' };
  return async (...args: string[]): Promise<CliResult> => {
    const { buildProgram } = await import('../../tools/lib/program.ts');
    const { commands } = await import('../../tools/aox/commands.ts');
    let stdout = '';
    let stderr = '';
    const out = {
      line: (t = '') => { stdout += t + '\n'; },
      table: (rows: string[][], header?: string[]) => {
        for (const l of formatTable(rows, header)) stdout += l + '\n';
      },
      note: (t: string) => { stderr += t + '\n'; },
    };
    const saved = new Map<string, string | undefined>();
    for (const k of Object.keys(process.env)) if (k.startsWith('AOX_') || k.startsWith('PG')) saved.set(k, process.env[k]);
    for (const k of saved.keys()) delete process.env[k];
    Object.assign(process.env, env);
    const previousExitCode = process.exitCode;
    process.exitCode = 0;
    try {
      const program = buildProgram(commands, out)
        .configureOutput({ writeOut: (s) => { stdout += s; }, writeErr: (s) => { stderr += s; } });
      await program.parseAsync(['node', 'aox', ...args]);
    } catch (e) {
      if (typeof e !== 'object' || e === null || !('exitCode' in e)) throw e;
      process.exitCode = Number(e.exitCode) || 1;
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
      for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = previousExitCode;
    return { code, stdout, stderr };
  };
}
