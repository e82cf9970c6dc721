// The embedded PostgreSQL as aox uses it without db-address (tools/lib/database.ts openDatabase,
// shared with the server): the first use initialises a cluster and installs roles, database and
// schema, with the role passwords in a 0600 credentials.json; later uses attach to a running
// cluster; whoever started the cluster stops it. One real cluster in a scratch directory.
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../frontend/config.ts';
import { checkSchema, frontendConnection, openDatabase, type OpenedDatabase } from '../../tools/lib/database.ts';
import { aox, scratchDir, type Scratch } from './cli-helpers.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function reachable(c: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...c, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('cli: embedded database', function () {
  // initdb and a first install take a few seconds
  this.timeout(120_000);
  let scratch: Scratch;
  let conf: string;
  let config: Config;
  let opened: OpenedDatabase | null = null;

  before(async () => {
    scratch = scratchDir('aox-embedded-');
    // run as root, PostgreSQL drops to the postgres user, which must reach the directory
    chmodSync(scratch.dir, 0o755);
    conf = join(scratch.dir, 'archiveopteryx.conf');
    writeFileSync(conf, `embedded-db-directory = pg\nembedded-db-port = ${await freePort()}\nembedded-db-memory = 2048\n`);
    config = loadConfig(conf);
  });
  after(async () => {
    await opened?.close();
    scratch.remove();
  });

  it('initialises and installs on first use, with the passwords in a 0600 file', async () => {
    opened = await openDatabase(config);
    assert.ok(opened.embedded?.startedHere);
    assert.equal(statSync(join(scratch.dir, 'pg', 'credentials.json')).mode & 0o777, 0o600);
    const owner = new pg.Client(opened.ownerConfig);
    await owner.connect();
    try {
      await checkSchema(owner);
      // sized to embedded-db-memory: a quarter as shared buffers, half as the planner's cache
      const sizes = await owner.query(`select current_setting('shared_buffers') as s, current_setting('effective_cache_size') as c,
        current_setting('maintenance_work_mem') as m`);
      assert.deepEqual(sizes.rows[0], { s: '512MB', c: '1GB', m: '128MB' });
    } finally {
      await owner.end();
    }
    // a database without the aox schema is refused, saying what to do
    const bare = new pg.Client({ ...opened.ownerConfig, database: 'postgres' });
    await bare.connect();
    try {
      await assert.rejects(checkSchema(bare), /no aox schema \(revision: none\), this code needs \S+: run "aox upgrade schema"/);
    } finally {
      await bare.end();
    }
    // the frontend role: api.* only
    assert.deepEqual(frontendConnection(config), opened.frontendConfig);
    const api = new pg.Client(opened.frontendConfig);
    await api.connect();
    try {
      await api.query(`select * from api.auth_challenge('nobody')`);
      await assert.rejects(api.query('select * from admin.user_list()'), /permission denied/);
    } finally {
      await api.end();
    }
  });

  it('lets the CLI attach to the running cluster, leaving it running', async () => {
    const env = { AOX_CONFIG: conf };
    const add = await aox(['add', 'user', 'eve', 'pw', 'eve@example.com'], { env });
    assert.equal(add.code, 0, add.stderr);
    assert.ok(opened && await reachable(opened.ownerConfig));
    const again = await openDatabase(config);
    assert.equal(again.embedded?.startedHere, false);
    await again.close();
    assert.ok(await reachable(opened.ownerConfig));
  });

  it('starts the cluster for one command and stops it afterwards', async () => {
    const settings = opened?.ownerConfig as pg.ClientConfig;
    await opened?.close();
    opened = null;
    assert.equal(await reachable(settings), false);
    const r = await aox(['list', 'users'], { env: { AOX_CONFIG: conf } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'eve  eve@example.com\n');
    assert.equal(await reachable(settings), false);
  });
});
