// mocha global setup: one real PostgreSQL for the whole run and a template database with the full
// schema (migrations, functions, grants). Each test file clones the template (test/helpers/db.ts).
// The server is the one PG*/DATABASE_URL names (a superuser), or else an embedded PostgreSQL of
// this run's own (its own directory and free port), so that concurrent runs never disturb each
// other; it is removed at the end.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../../frontend/db/embedded.ts';
import { install } from '../../frontend/db/install.ts';
import { TEST_ROLES, templateName, type TestServer } from './db-shared.ts';

let embedded: EmbeddedServer | null = null;
let embeddedDir: string | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** This run's databases carry its pid, so a concurrent run's are never touched. */
export const RUN_TAG = String(process.pid);

function externalServer(): pg.ClientConfig | null {
  if (process.env.DATABASE_URL) return { connectionString: process.env.DATABASE_URL };
  if (process.env.PGHOST) return {}; // pg reads PG* itself
  return null;
}

export async function mochaGlobalSetup(): Promise<void> {
  let superuser = externalServer();
  if (!superuser) {
    embeddedDir = join(tmpdir(), `aox-test-pg-${RUN_TAG}`);
    rmSync(embeddedDir, { recursive: true, force: true });
    embedded = await startEmbedded(embeddedDir, await freePort());
    superuser = { host: embedded.host, port: embedded.port, user: embedded.superuser, password: embedded.superuserPassword };
  }
  const admin = new pg.Client({ ...superuser, database: 'postgres' });
  await admin.connect();
  // leftovers of an earlier run of this same pid
  const old = await admin.query(`select datname from pg_database where datname like $1`, [`aox\\_test\\_${RUN_TAG}\\_%`]);
  for (const r of old.rows) await admin.query(`drop database if exists ${pg.escapeIdentifier(r.datname)} with (force)`);
  await admin.query(`drop database if exists ${pg.escapeIdentifier(templateName())} with (force)`);
  await admin.end();
  await install({
    superuser, database: templateName(),
    owner: TEST_ROLES.owner, ownerPassword: TEST_ROLES.ownerPassword,
    user: TEST_ROLES.user, userPassword: TEST_ROLES.userPassword,
  });
  const server: TestServer = { superuser };
  process.env.AOX_TEST_SERVER = JSON.stringify(server);
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (embedded) {
    await embedded.stop();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ ...JSON.parse(process.env.AOX_TEST_SERVER ?? '{}').superuser, database: 'postgres' });
    await admin.connect();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(templateName())} with (force)`);
    await admin.end();
  }
}
