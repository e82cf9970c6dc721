// Schema state and behaviour: node-pg-migrate runs db/migrations (state, once each); then every
// db/functions/*.sql file is re-applied in name order in one transaction (behaviour, idempotent).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type pg from 'pg';

export const DB_DIR = fileURLToPath(new URL('../../db/', import.meta.url));
const MIGRATIONS_DIR = join(DB_DIR, 'migrations');
const FUNCTIONS_DIR = join(DB_DIR, 'functions');
export const MIGRATIONS_TABLE = 'pgmigrations';

/** The newest migration this code knows: the schema revision it needs. */
export function expectedRevision(): string {
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
  return files[files.length - 1].replace(/\.sql$/, '');
}

/** The newest migration applied to the database, or null for an empty database. */
export async function currentRevision(client: pg.ClientBase): Promise<string | null> {
  const exists = await client.query(`select to_regclass('public.${MIGRATIONS_TABLE}') as t`);
  if (!exists.rows[0].t) return null;
  const r = await client.query(`select name from public.${MIGRATIONS_TABLE} order by run_on desc, id desc limit 1`);
  return r.rows[0]?.name ?? null;
}

/** Runs pending migrations; returns the names it applied. */
export async function migrate(client: pg.ClientBase, log: (line: string) => void = () => undefined): Promise<string[]> {
  // loaded here, not at the top: every aox command and the server import this module, and only
  // the migrating ones need node-pg-migrate
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    count: Infinity,
    checkOrder: true,
    log: (m: string) => log(m),
    logger: { debug: () => undefined, info: (m: string) => log(m), warn: (m: string) => log(m), error: (m: string) => log(m) },
  });
  return applied.map((m) => m.name);
}

export function functionFiles(): string[] {
  return readdirSync(FUNCTIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
}

/** Re-applies every function file and the grants in one transaction. */
export async function applyFunctions(client: pg.ClientBase, frontendRole: string): Promise<void> {
  await client.query('begin');
  try {
    await client.query(`select set_config('aox.frontend_role', $1, true)`, [frontendRole]);
    for (const f of functionFiles()) {
      try {
        await client.query(readFileSync(join(FUNCTIONS_DIR, f), 'utf8'));
      } catch (e) {
        throw new Error(`db/functions/${f}: ${(e as Error).message}`, { cause: e });
      }
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  }
}

/** Brings a database (connected as its owner) to the schema this code needs. */
export async function upgradeSchema(client: pg.ClientBase, frontendRole: string,
                                    log: (line: string) => void = () => undefined): Promise<string[]> {
  const applied = await migrate(client, log);
  await applyFunctions(client, frontendRole);
  return applied;
}
