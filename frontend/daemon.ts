// The server process that `aox start` runs in the background (node --import tsx frontend/daemon.ts
// [-c FILE]) and `aox start -f` runs in the foreground: loads the configuration, starts the
// server, writes <pidfile-dir>/aox.pid once it is listening, and on SIGTERM/SIGINT closes it
// gracefully and removes the pid file. Failures go to standard error, which `aox start` shows.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from './config.ts';

export interface RunningServerHandle {
  close(): Promise<void>;
  ports?: Partial<Record<string, number>>;
}

interface ServerModule {
  startServer(config: Config): Promise<RunningServerHandle>;
}

/**
 * The server module: frontend/main.ts, or the file AOX_SERVER_MODULE names (so the lifecycle can
 * be tested, and developed, without the whole server). Loaded lazily: `aox start -f` imports this
 * file, and the CLI should not load the protocol servers before it needs them.
 */
async function loadServerModule(): Promise<ServerModule> {
  const url = process.env.AOX_SERVER_MODULE
    ? pathToFileURL(resolve(process.env.AOX_SERVER_MODULE)).href
    : new URL('./main.ts', import.meta.url).href;
  return (await import(url)) as ServerModule;
}

const GRACE_MS = 30_000;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Runs the server until a signal; resolves with the process exit code. */
export async function runDaemon(config: Config, say: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<number> {
  const pidDir = config.path('pidfile-dir');
  const pidFile = join(pidDir, 'aox.pid');
  if (existsSync(pidFile)) {
    const other = Number(readFileSync(pidFile, 'utf8').trim());
    if (other > 0 && other !== process.pid && alive(other)) {
      say(`aox: the server is already running (pid ${other}, ${pidFile})`);
      return 1;
    }
  }
  const { startServer } = await loadServerModule();
  const server = await startServer(config);
  mkdirSync(pidDir, { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  const ports = Object.entries(server.ports ?? {}).map(([name, port]) => `${name} ${port}`).join(', ');
  say(`aox: server running (pid ${process.pid}${ports ? `; ${ports}` : ''})`);
  const removePidFile = () => {
    try {
      if (Number(readFileSync(pidFile, 'utf8').trim()) === process.pid) unlinkSync(pidFile);
    } catch { /* already gone */ }
  };
  process.on('exit', removePidFile);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        say(`aox: ${signal} again, exiting without waiting`);
        removePidFile();
        process.exit(1);
      }
      stopping = true;
      say(`aox: ${signal}: shutting down`);
      const force = setTimeout(() => {
        say(`aox: shutdown took more than ${GRACE_MS / 1000} s, exiting`);
        removePidFile();
        process.exit(1);
      }, GRACE_MS);
      force.unref();
      server.close().then(() => { removePidFile(); done(0); }, (e: unknown) => {
        say(`aox: error while shutting down: ${e instanceof Error ? e.message : String(e)}`);
        removePidFile();
        done(1);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf('-c');
  const file = i >= 0 ? args[i + 1] : undefined;
  try {
    const code = await runDaemon(loadConfig(file));
    process.exit(code);
  } catch (e) {
    process.stderr.write(`aox: the server could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.AOX_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
