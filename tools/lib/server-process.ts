// The server as a background process: its pid file, the ports it should listen on, starting it
// detached (frontend/daemon.ts) and waiting until it accepts connections, and stopping it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../frontend/config.ts';

export const DAEMON = fileURLToPath(new URL('../../frontend/daemon.ts', import.meta.url));

export interface Listener {
  name: 'imap' | 'imaps' | 'pop' | 'pops' | 'lmtp';
  address: string;
  port: number;
}

/** The enabled services in the order the server opens them. */
export function listeners(config: Config): Listener[] {
  const all: Array<[boolean, Listener]> = [
    [config.get('use-imap'), { name: 'imap', address: config.get('imap-address'), port: config.get('imap-port') }],
    [config.get('use-imaps'), { name: 'imaps', address: config.get('imap-address'), port: config.get('imaps-port') }],
    [config.get('use-pop'), { name: 'pop', address: config.get('pop-address'), port: config.get('pop-port') }],
    [config.get('use-pops'), { name: 'pops', address: config.get('pop-address'), port: config.get('pops-port') }],
    [config.get('use-lmtp'), { name: 'lmtp', address: config.get('lmtp-address'), port: config.get('lmtp-port') }],
  ];
  return all.filter(([on]) => on).map(([, l]) => l);
}

export function pidFile(config: Config): string {
  return join(config.path('pidfile-dir'), 'aox.pid');
}

/** Where a detached server's standard output and error go: logfile, else aox.log beside the pid file. */
export function daemonOutputFile(config: Config): string {
  return config.get('logfile') ? config.path('logfile') : join(config.path('pidfile-dir'), 'aox.log');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the running server, or null (a stale pid file is removed). */
export function runningPid(config: Config): number | null {
  const file = pidFile(config);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  try { unlinkSync(file); } catch { /* someone else removed it */ }
  return null;
}

export function canConnect(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      resolve(true);
      // a polite close: read and drop the greeting, so the server sees FIN rather than a reset
      socket.resume();
      socket.end();
      socket.once('end', () => socket.destroy());
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, from: number, maxLines = 15): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file).subarray(from).toString('utf8').trimEnd();
  return text.split('\n').slice(-maxLines).join('\n');
}

export interface StartOptions {
  configFile: string | null;
  timeoutMs: number;
  /** an alternative server module for frontend/daemon.ts (tests, development) */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts frontend/daemon.ts detached and resolves with its pid once it has written the pid file
 * and accepts connections on the first enabled port; rejects with the daemon's last output if
 * it exits first or does not get there in time.
 */
export async function startDetached(config: Config, o: StartOptions): Promise<number> {
  const outFile = daemonOutputFile(config);
  mkdirSync(config.path('pidfile-dir'), { recursive: true });
  const offset = existsSync(outFile) ? statSync(outFile).size : 0;
  const fd = openSync(outFile, 'a', 0o640);
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, DAEMON, ...(o.configFile ? ['-c', o.configFile] : [])], {
    detached: true, stdio: ['ignore', fd, fd], env: o.env ?? process.env, cwd: process.cwd(),
  });
  closeSync(fd);
  let exited: string | null = null;
  child.once('exit', (code, signal) => { exited = signal ? `killed by ${signal}` : `exited with code ${code}`; });
  child.once('error', (e) => { exited = e.message; });
  const first = listeners(config)[0];
  const deadline = Date.now() + o.timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (exited) {
        const out = tail(outFile, offset);
        throw new Error(`the server ${exited}` + (out ? `:\n${out}` : ` (see ${outFile})`));
      }
      if (runningPid(config) === child.pid
          && (!first || first.port === 0 || await canConnect(first.address, first.port))) {
        return child.pid as number;
      }
      await sleep(100);
    }
    child.kill('SIGTERM');
    throw new Error(`the server did not start within ${o.timeoutMs / 1000} s (see ${outFile})`);
  } finally {
    // the server lives on without us
    child.unref();
  }
}

/** Sends SIGTERM and waits for the process to go; false if it was still there at the deadline. */
export async function stopPid(pid: number, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw e;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return false;
}
