// aox show configuration, check config, show/upgrade schema and help, through the real executable.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIABLES } from '../../frontend/config.ts';
import { expectedRevision } from '../../frontend/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { aox, databaseEnv, scratchDir, type CliResult, type Scratch } from './cli-helpers.ts';

describe('cli: configuration, schema, help', function () {
  // each step is a whole node process (and tsx); a busy machine makes that slow
  this.timeout(90_000);
  let scratch: Scratch;
  let conf: string;
  before(() => {
    scratch = scratchDir();
    conf = join(scratch.dir, 'archiveopteryx.conf');
    writeFileSync(conf, '# test\ndb-address = 127.0.0.1\ndb-password = hunter2\nimap-port = 1143\n');
  });
  after(() => scratch.remove());

  function ok(r: CliResult): string {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  it('shows every variable, only the set ones with -p, one by name; passwords masked', async () => {
    const [all, set, unknown] = await Promise.all([
      aox(['-c', conf, 'show', 'configuration']),
      aox(['show', 'cf', '-p'], { env: { AOX_CONFIG: conf, AOX_LOG_LEVEL: 'debug' } }),
      aox(['show', 'configuration', 'imap-prot', '-c', conf]),
    ]);
    const lines = ok(all).trimEnd().split('\n');
    assert.equal(lines.length, Object.keys(VARIABLES).length);
    assert.ok(lines.includes('log-level = info'));
    assert.ok(lines.includes('db-owner-password = ""'));
    assert.equal(ok(set), 'db-address = 127.0.0.1\ndb-password = ********\nimap-port = 1143\nlog-level = debug\n');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown configuration variable: imap-prot/);
  });

  it('checks a configuration: OK, or errors with exit code 1', async () => {
    const bad = join(scratch.dir, 'bad.conf');
    writeFileSync(bad, 'imap-port = 143\nimap-prot = 144\n');
    const clash = join(scratch.dir, 'clash.conf');
    writeFileSync(clash, 'use-pop = on\npop-port = 1143\nimap-port = 1143\nlog-level = chatty\n');
    const [good, parse, conflicts] = await Promise.all([
      aox(['check', 'config', '-c', conf]),
      aox(['check', 'config', '-c', bad]),
      aox(['check', 'configuration', '-c', clash]),
    ]);
    assert.match(ok(good), /archiveopteryx\.conf: OK$/m);
    assert.equal(parse.code, 1);
    assert.match(parse.stdout, /^error: .*bad\.conf:2: unknown variable imap-prot$/m);
    assert.equal(conflicts.code, 1);
    assert.match(conflicts.stdout, /^error: imap and pop both use port 1143$/m);
    assert.match(conflicts.stdout, /^error: log-level: "chatty"/m);
  });

  it('shows help for one command', async () => {
    assert.match(ok(await aox(['help', 'add', 'user'])), /^Usage: aox add user \[options\] <login> \[<password>\] <address>$/m);
  });

  describe('schema', () => {
    let db: TestDatabase;
    before(async () => { db = await createTestDatabase(); });
    after(async () => { await db.drop(); });

    it('shows the revision, and lists nothing pending in a dry-run upgrade', async () => {
      const env = { ...databaseEnv(db), AOX_CONFIG: conf };
      const [show, dry] = await Promise.all([aox(['show', 'schema'], { env }), aox(['upgrade', 'schema', '-n'], { env })]);
      assert.match(ok(show), new RegExp(`^database: ${expectedRevision()}$`, 'm'));
      assert.match(ok(show), /the schema is up to date/);
      assert.match(ok(dry), /no pending migrations/);
      assert.match(ok(dry), /would re-apply \d+ function files/);
    });

    it('upgrades: re-applies the functions and reports the revision', async () => {
      const r = await aox(['upgrade', 'schema'], { env: { ...databaseEnv(db), AOX_CONFIG: conf } });
      assert.match(ok(r), new RegExp(`the schema is at revision ${expectedRevision()}$`, 'm'));
    });

  });
});
