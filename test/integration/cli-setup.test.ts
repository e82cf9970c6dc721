// aox setup against the test server's superuser: a dry run changes nothing; a real run creates
// roles, database and schema and writes both configuration files, which then work; a second run
// reuses the passwords and leaves the files alone. Role and database names are unique to this run
// and dropped afterwards (roles are cluster-wide, so the suite's own aox/aoxsuper stay untouched).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parseConfigText } from '../../frontend/config.ts';
import type { TestServer } from '../helpers/db-shared.ts';
import { aox, scratchDir, type CliResult, type Scratch } from './cli-helpers.ts';

interface Superuser { host: string; port: number; user: string; password?: string }

function superuser(): Superuser {
  const s = (JSON.parse(process.env.AOX_TEST_SERVER ?? '{}') as TestServer).superuser;
  if (s.connectionString) {
    const u = new URL(s.connectionString);
    return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username) || 'postgres',
             password: decodeURIComponent(u.password) || undefined };
  }
  return {
    host: s.host ?? process.env.PGHOST ?? '127.0.0.1', port: Number(s.port ?? process.env.PGPORT ?? 5432),
    user: s.user ?? process.env.PGUSER ?? 'postgres',
    password: typeof s.password === 'string' ? s.password : process.env.PGPASSWORD,
  };
}

describe('cli: setup', function () {
  // each step is a whole node process (and tsx); a busy machine makes that slow
  this.timeout(90_000);
  // the global setup provides the server once mocha runs, after this file has been loaded
  let su: Superuser;
  const database = `aox_test_setup_${process.pid}`;
  const user = `aox_test_u_${process.pid}`;
  const owner = `aox_test_o_${process.pid}`;
  let scratch: Scratch;
  let conf: string;
  let superConf: string;

  async function asSuperuser<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ ...su, database: 'postgres' });
    await c.connect();
    try { return await f(c); } finally { await c.end(); }
  }
  const exists = (sql: string, name: string) => asSuperuser(async (c) => (await c.query(sql, [name])).rowCount === 1);

  const setup = (...extra: string[]) => aox(['setup', '-c', conf, '-a', su.host, '-p', String(su.port), '-U', su.user,
    '-d', database, '--db-user', user, '--db-owner', owner, ...extra], { env: { PGPASSWORD: su.password } });
  function ok(r: CliResult): string {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  before(() => {
    su = superuser();
    scratch = scratchDir('aox-setup-');
    conf = join(scratch.dir, 'archiveopteryx.conf');
    superConf = join(scratch.dir, 'aoxsuper.conf');
  });
  after(async () => {
    await asSuperuser(async (c) => {
      await c.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      for (const role of [user, owner]) await c.query(`drop role if exists ${pg.escapeIdentifier(role)}`);
    });
    scratch.remove();
  });

  it('prints each step of a dry run and changes nothing', async () => {
    const out = ok(await setup('-n'));
    assert.match(out, new RegExp(`^would create role ${owner} `, 'm'));
    assert.match(out, new RegExp(`^would create role ${user} `, 'm'));
    assert.match(out, new RegExp(`^would create database ${database} \\(UTF-8, owner ${owner}\\)$`, 'm'));
    assert.match(out, /^would run migrations/m);
    assert.match(out, /^would write .*archiveopteryx\.conf \(mode 600\)$/m);
    assert.match(out, /^would write .*aoxsuper\.conf \(mode 400\)$/m);
    assert.ok(!existsSync(conf) && !existsSync(superConf));
    assert.equal(await exists('select 1 from pg_roles where rolname = $1', owner), false);
    assert.equal(await exists('select 1 from pg_database where datname = $1', database), false);
  });

  it('installs, writes both files with tight modes, and the result works', async () => {
    const out = ok(await setup());
    assert.match(out, new RegExp(`^create database ${database}`, 'm'));
    assert.match(out, /^checked that .* can log in$/m);
    assert.equal(statSync(conf).mode & 0o777, 0o600);
    assert.equal(statSync(superConf).mode & 0o777, 0o400);
    const main = parseConfigText(readFileSync(conf, 'utf8'), conf);
    assert.equal(main.get('db-name'), database);
    assert.equal(main.get('db-user'), user);
    assert.equal(main.get('db-address'), su.host);
    assert.equal(main.get('db-port'), String(su.port));
    assert.ok((main.get('db-password') ?? '').length >= 24);
    assert.match(readFileSync(conf, 'utf8'), /^# imap-port = 143$/m);
    const sup = parseConfigText(readFileSync(superConf, 'utf8'), superConf);
    assert.equal(sup.get('db-owner'), owner);
    assert.ok((sup.get('db-owner-password') ?? '').length >= 24);

    // the CLI works with what setup wrote: the owner from aoxsuper.conf, the schema current
    assert.match(ok(await aox(['add', 'user', '-c', conf, 'setup-user', 'pw', 'setup-user@example.com'])), /created user setup-user/);
  });

  it('runs again without changing passwords or files', async () => {
    const before = [readFileSync(conf, 'utf8'), readFileSync(superConf, 'utf8')];
    const out = ok(await setup());
    assert.match(out, new RegExp(`^alter role ${owner} `, 'm'));
    assert.match(out, new RegExp(`^database ${database} exists$`, 'm'));
    assert.match(out, /archiveopteryx\.conf is up to date$/m);
    assert.match(out, /aoxsuper\.conf is up to date$/m);
    assert.deepEqual([readFileSync(conf, 'utf8'), readFileSync(superConf, 'utf8')], before);
    assert.equal(statSync(superConf).mode & 0o777, 0o400);
  });
});
