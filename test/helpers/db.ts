// Per test file: a fresh database cloned from the template, with pools for the frontend role
// (aox: may only execute api.*) and the owner (aoxsuper: admin.*, and checks of table contents).
import pg from 'pg';
import { templateName, TEST_ROLES, type TestServer } from './db-shared.ts';

let counter = 0;

export interface TestDatabase {
  name: string;
  /** connection settings of the frontend role */
  frontend: pg.ClientConfig;
  /** connection settings of the owner role */
  owner: pg.ClientConfig;
  api: pg.Pool;
  admin: pg.Pool;
  drop(): Promise<void>;
}

function server(): TestServer {
  const s = process.env.AOX_TEST_SERVER;
  if (!s) throw new Error('AOX_TEST_SERVER is not set: run the tests through npm test');
  return JSON.parse(s) as TestServer;
}

async function superQuery(sql: string): Promise<void> {
  const c = new pg.Client({ ...server().superuser, database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `aox_test_${process.pid}_${++counter}`;
  await superQuery(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(templateName())} owner ${pg.escapeIdentifier(TEST_ROLES.owner)}`);
  const base = server().superuser;
  const frontend: pg.ClientConfig = { ...base, connectionString: undefined, database: name, user: TEST_ROLES.user, password: TEST_ROLES.userPassword };
  const owner: pg.ClientConfig = { ...base, connectionString: undefined, database: name, user: TEST_ROLES.owner, password: TEST_ROLES.ownerPassword };
  if (base.connectionString) {
    const u = new URL(base.connectionString);
    for (const cfg of [frontend, owner]) {
      cfg.host = u.hostname;
      cfg.port = Number(u.port || 5432);
    }
  }
  const api = new pg.Pool({ ...frontend, max: 6 });
  const admin = new pg.Pool({ ...owner, max: 4 });
  return {
    name, frontend, owner, api, admin,
    async drop() {
      await api.end();
      await admin.end();
      await superQuery(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    },
  };
}
