// The installer's database steps (aox setup, the embedded database's first start, test setup):
// roles, database, extensions, schema, grants. Every step checks before it acts, so running it
// twice is safe; with dryRun it only reports what it would do.
import pg from 'pg';
import { upgradeSchema } from './schema.ts';

export interface InstallOptions {
  /** how to reach the server as a superuser (or a role with CREATEROLE and CREATEDB) */
  superuser: pg.ClientConfig;
  database: string;
  owner: string;
  ownerPassword: string;
  user: string;
  userPassword: string;
  dryRun?: boolean;
  log?: (step: string) => void;
}

async function roleExists(c: pg.Client, name: string): Promise<boolean> {
  return (await c.query('select 1 from pg_roles where rolname = $1', [name])).rowCount === 1;
}

export async function install(o: InstallOptions): Promise<void> {
  const log = o.log ?? (() => undefined);
  const step = async (what: string, act: () => Promise<unknown>) => {
    log((o.dryRun ? 'would ' : '') + what);
    if (!o.dryRun) await act();
  };
  const admin = new pg.Client({ ...o.superuser, database: o.superuser.database ?? 'postgres' });
  await admin.connect();
  try {
    const v = await admin.query<{ v: number }>(`select current_setting('server_version_num')::int as v`);
    if (v.rows[0].v < 140000) throw new Error('aox needs PostgreSQL 14 or newer');
    for (const [role, password] of [[o.owner, o.ownerPassword], [o.user, o.userPassword]]) {
      const verb = (await roleExists(admin, role)) ? 'alter' : 'create';
      await step(`${verb} role ${role} (login, password set)`, () =>
        admin.query(`${verb} role ${pg.escapeIdentifier(role)} login password ${pg.escapeLiteral(password)}`));
    }
    const db = await admin.query('select 1 from pg_database where datname = $1', [o.database]);
    if (db.rowCount === 0) {
      await step(`create database ${o.database} (UTF-8, owner ${o.owner})`, () =>
        admin.query(`create database ${pg.escapeIdentifier(o.database)} owner ${pg.escapeIdentifier(o.owner)} ` +
          `encoding 'UTF8' template template0`));
    } else {
      log(`database ${o.database} exists`);
    }
  } finally {
    await admin.end();
  }
  if (o.dryRun) {
    log('would create extensions pgcrypto and pg_trgm');
    log('would run migrations and apply functions and grants');
    return;
  }
  const sup = new pg.Client({ ...o.superuser, database: o.database });
  await sup.connect();
  try {
    await step('create extensions pgcrypto and pg_trgm', () =>
      sup.query('create extension if not exists pgcrypto with schema public; create extension if not exists pg_trgm with schema public'));
    // the owner must be able to create its schemas and the migrations table
    await sup.query(`grant create, usage on schema public to ${pg.escapeIdentifier(o.owner)}`);
    await sup.query(`grant create on database ${pg.escapeIdentifier(o.database)} to ${pg.escapeIdentifier(o.owner)}`);
  } finally {
    await sup.end();
  }
  const own = new pg.Client({ ...o.superuser, user: o.owner, password: o.ownerPassword, database: o.database });
  await own.connect();
  try {
    log('run migrations, apply functions and grants');
    const applied = await upgradeSchema(own, o.user);
    for (const m of applied) log(`  migrated ${m}`);
  } finally {
    await own.end();
  }
}
