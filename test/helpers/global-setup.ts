// mocha global setup: one real PostgreSQL for the whole run and a template database with the full
// schema (migrations, functions, grants). Each test file clones the template (test/helpers/db.ts).
// The server is the one PG*/DATABASE_URL names (a superuser), or else the embedded PostgreSQL in
// a directory under the system's temporary directory, kept between runs for speed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../../frontend/db/embedded.ts';
import { install } from '../../frontend/db/install.ts';
import { TEST_ROLES, TEMPLATE_DB, type TestServer } from './db-shared.ts';

let embedded: EmbeddedServer | null = null;

function externalServer(): pg.ClientConfig | null {
  if (process.env.DATABASE_URL) return { connectionString: process.env.DATABASE_URL };
  if (process.env.PGHOST) return {}; // pg reads PG* itself
  return null;
}

export async function mochaGlobalSetup(): Promise<void> {
  let superuser = externalServer();
  if (!superuser) {
    const dir = process.env.AOX_TEST_EMBEDDED_DIR ?? join(tmpdir(), 'aox-test-embedded-pg');
    const port = Number(process.env.AOX_TEST_EMBEDDED_PORT ?? 25432);
    embedded = await startEmbedded(dir, port);
    superuser = { host: embedded.host, port: embedded.port, user: embedded.superuser, password: embedded.superuserPassword };
  }
  const admin = new pg.Client({ ...superuser, database: 'postgres' });
  await admin.connect();
  // leftovers of an interrupted earlier run
  const old = await admin.query(`select datname from pg_database where datname like 'aox\\_test\\_%'`);
  for (const r of old.rows) await admin.query(`drop database if exists ${pg.escapeIdentifier(r.datname)} with (force)`);
  await admin.end();
  await install({
    superuser, database: TEMPLATE_DB,
    owner: TEST_ROLES.owner, ownerPassword: TEST_ROLES.ownerPassword,
    user: TEST_ROLES.user, userPassword: TEST_ROLES.userPassword,
  });
  const server: TestServer = { superuser };
  process.env.AOX_TEST_SERVER = JSON.stringify(server);
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (embedded) await embedded.stop();
}
