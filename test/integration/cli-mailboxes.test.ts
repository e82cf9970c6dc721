// aox add/list/delete mailbox and alias, setacl and list rights, show counts, through the real
// executable against a test database.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeVerifier } from '../../frontend/auth/scram.ts';
import { aox, databaseEnv, type CliResult } from './cli-helpers.ts';

describe('cli: mailboxes, aliases, rights, counts', function () {
  // each step is a whole node process (and tsx); a busy machine makes that slow
  this.timeout(90_000);
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase();
    env = { ...databaseEnv(db), AOX_CONFIG: '/nonexistent/archiveopteryx.conf' };
    for (const login of ['ann', 'ben']) {
      await db.admin.query('select admin.user_create($1, $2, $3)', [login, makeVerifier('x', 1024), `${login}@example.com`]);
    }
  });
  after(async () => { await db.drop(); });

  const run = (...args: string[]) => aox(args, { env });
  function ok(r: CliResult): string {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  function fails(r: CliResult, message: RegExp): void {
    assert.notEqual(r.code, 0, `expected failure, got: ${r.stdout}`);
    assert.match(r.stderr, message);
  }

  it('adds mailboxes named /users/<login>/<name> or <name> <owner>', async () => {
    const [a, b] = await Promise.all([run('add', 'mailbox', '/users/ann/Lists/pg'), run('add', 'mailbox', 'Projects', 'ben')]);
    assert.equal(ok(a), 'created /users/ann/Lists/pg\n');
    assert.equal(ok(b), 'created /users/ben/Projects\n');
  });

  it('lists mailboxes by owner and pattern, with sizes', async () => {
    assert.equal(ok(await run('list', 'mailboxes', '-s', '-o', 'ann', 'Lists*')),
      '/users/ann/Lists     0 messages  0 B\n/users/ann/Lists/pg  0 messages  0 B\n');
  });

  it('adds and lists aliases; a mailbox with an alias is not deleted without -f', async () => {
    assert.match(ok(await run('add', 'alias', 'pg@example.com', '/users/ann/Lists/pg')), /now delivers to \/users\/ann\/Lists\/pg/);
    const [listed, refused] = await Promise.all([run('list', 'aliases'), run('delete', 'mailbox', '/users/ann/Lists/pg')]);
    assert.equal(ok(listed), 'pg@example.com  /users/ann/Lists/pg\n');
    fails(refused, /alias pg@example.com delivers to this mailbox/);
    // a user's address as the target: that user's INBOX
    assert.match(ok(await run('add', 'alias', 'boss@example.com', 'BEN@example.com')), /boss@example.com now delivers to \/users\/ben\/INBOX/);
    fails(await run('add', 'alias', 'x@example.com', 'nobody@example.com'), /no user has the address nobody@example.com/);
    ok(await run('delete', 'alias', 'boss@example.com'));
  });

  it('sets rights with + and - (even where "-w" looks like an option), lists and deletes them', async () => {
    assert.equal(ok(await run('setacl', '/users/ann/INBOX', 'ben', 'lrw')), 'ben lrw\n');
    const [removed, added, bad] = await Promise.all([
      run('setacl', '/users/ann/INBOX', 'ben', '-w'),
      run('setacl', '-o', 'ann', 'INBOX', 'anyone', '+l'),
      run('setacl', '/users/ann/INBOX', 'ben', 'lrz'),
    ]);
    assert.equal(ok(removed), 'ben lr\n');
    assert.equal(ok(added), 'anyone l\n');
    fails(bad, /invalid rights "lrz"/);
    assert.equal(ok(await run('list', 'rights', '/users/ann/INBOX')), 'ann     lrswipkxtean\nanyone  l\nben     lr\n');
    ok(await run('setacl', '-d', '/users/ann/INBOX', 'ben'));
    const acl = await db.admin.query(`select identifier from mail.permissions`);
    assert.deepEqual(acl.rows, [{ identifier: 'anyone' }]);
  });

  it('deletes a mailbox and an alias', async () => {
    const [mailbox, alias] = await Promise.all([run('delete', 'mailbox', 'Projects', 'ben'), run('delete', 'alias', 'pg@example.com')]);
    assert.equal(ok(mailbox), 'deleted /users/ben/Projects\n');
    assert.equal(ok(alias), 'deleted alias pg@example.com\n');
    assert.equal((await db.admin.query('select * from admin.alias_list()')).rowCount, 0);
  });

  it('shows counts, with more under -f', async () => {
    assert.match(ok(await run('show', 'counts', '-f')),
      /^users:\s+2\s+users\nmailboxes:\s+\d+.*\nmessages:\s+0 .*\n[^]*^database-bytes:\s+\d+\s+size of the database on disk$/m);
  });
});
