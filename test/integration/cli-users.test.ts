// aox add/list/delete user and change password/username/address through the real executable, and
// how it fails: bad input, unknown users, an unreachable database.
import assert from 'node:assert/strict';
import { storedKey } from '../../frontend/auth/scram.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { aox, databaseEnv, type CliResult } from './cli-helpers.ts';

describe('cli: users', function () {
  // each step is a whole node process (and tsx); a busy machine makes that slow
  this.timeout(90_000);
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase();
    env = { ...databaseEnv(db), AOX_CONFIG: '/nonexistent/archiveopteryx.conf' };
  });
  after(async () => { await db.drop(); });

  const run = (args: string[], input?: string) => aox(args, { env, input });
  function ok(r: CliResult): CliResult {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r;
  }
  function fails(r: CliResult, message: RegExp): void {
    assert.notEqual(r.code, 0, `expected failure, got: ${r.stdout}`);
    assert.match(r.stderr, message);
  }
  async function passwordWorks(login: string, password: string): Promise<boolean> {
    const c = await db.api.query('select * from api.auth_challenge($1)', [login]);
    const key = storedKey(password, c.rows[0].salt, c.rows[0].iterations);
    return db.api.query('select * from api.auth_plain($1, $2)', [login, key]).then(() => true, () => false);
  }

  it('adds users with the password as an argument, or with -p from standard input', async () => {
    const [plain, prompted] = await Promise.all([
      run(['add', 'user', 'alice', 's3cret', 'alice@example.com']),
      run(['create', 'user', '-p', 'bob', 'bob@example.com'], 'pass word\n'),
    ]);
    assert.match(ok(plain).stdout, /created user alice/);
    ok(prompted);
    assert.ok(await passwordWorks('alice', 's3cret'));
    assert.ok(await passwordWorks('bob', 'pass word'));
    const boxes = await db.admin.query(`select name from admin.mailbox_list(null, 'alice')`);
    assert.equal(boxes.rowCount, 6);
  });

  it('changes password, username and address, and lists users with a pattern', async () => {
    const [password, address] = await Promise.all([
      run(['change', 'password', 'bob'], 'another\n'),
      run(['change', 'address', 'alice', 'alice@example.org']),
    ]);
    ok(password);
    ok(address);
    assert.ok(await passwordWorks('bob', 'another'));
    ok(await run(['change', 'username', 'bob', 'robert']));
    assert.equal(ok(await run(['ls', 'users', '*e*'])).stdout, 'alice   alice@example.org\nrobert  bob@example.com\n');
  });

  it('sets quota and administrator status, and shows them', async () => {
    assert.match(ok(await run(['change', 'quota', 'alice', '2G', '5000'])).stdout, /alice may now store 2\.0 GB and 5000 messages/);
    let q = (await db.admin.query(`select quota_storage, quota_messages from mail.users where login = 'alice'`)).rows[0];
    assert.deepEqual([Number(q.quota_storage), Number(q.quota_messages)], [2 * 1024 ** 3, 5000]);
    // the message limit stays when not given; unlimited lifts a limit
    ok(await run(['change', 'quota', 'alice', 'unlimited']));
    q = (await db.admin.query(`select quota_storage, quota_messages from mail.users where login = 'alice'`)).rows[0];
    assert.deepEqual([q.quota_storage, Number(q.quota_messages)], [null, 5000]);
    ok(await run(['change', 'quota', 'alice', '1500K', 'unlimited']));
    fails(await run(['change', 'quota', 'alice', 'lots']), /not a size/);
    fails(await run(['change', 'quota', 'nobody', '1G']), /nobody|no such user/i);
    assert.match(ok(await run(['change', 'admin', 'alice', 'yes'])).stdout, /alice is now an administrator/);
    fails(await run(['change', 'admin', 'alice', 'maybe']), /say yes or no/);
    assert.equal((await db.admin.query(`select is_admin from mail.users where login = 'alice'`)).rows[0].is_admin, true);
    const shown = ok(await run(['show', 'quota', 'a*'])).stdout;
    assert.match(shown, /^alice\s+\S+ \S+ of 1\.5 MB\s+\d+ of unlimited messages\s+administrator$/m);
    assert.doesNotMatch(shown, /^robert/m);
    ok(await run(['change', 'admin', 'alice', 'no']));
    assert.equal((await db.admin.query(`select is_admin from mail.users where login = 'alice'`)).rows[0].is_admin, false);
  });

  it('refuses bad input with a message and a non-zero exit', async () => {
    // independent of each other, so run side by side: each is a whole node process
    const cases: Array<[string[], RegExp, string?]> = [
      [['add', 'user', 'alice', 'x', 'other@example.com'], /^aox: user exists: alice$/m],
      [['add', 'user', 'carol', 'x', 'not-an-address'], /invalid address/],
      [['add', 'user', 'carol', 'carol@example.com'], /missing password/],
      [['delete', 'user', 'nobody'], /no such user: nobody/],
    ];
    const results = await Promise.all(cases.map(([args, , input]) => run(args, input)));
    results.forEach((r, i) => fails(r, cases[i][1]));
    assert.equal((await db.admin.query(`select 1 from mail.users where login = 'carol'`)).rowCount, 0);
  });

  it('refuses to delete a user with messages unless -f', async () => {
    const inbox = (await db.admin.query(`select b.id from mail.mailboxes b join mail.users u on u.id = b.owner
                                           where u.login = 'alice' and b.name = 'INBOX'`)).rows[0].id;
    await inject(db.admin, null, [rawMessage('kept')], [{ m: 1, b: inbox }]);
    fails(await run(['delete', 'user', 'alice']), /has 1 messages/);
    assert.match(ok(await run(['del', 'user', '-f', 'alice'])).stdout, /deleted user alice and its 1 messages/);
    assert.equal((await db.admin.query(`select 1 from mail.users where login = 'alice'`)).rowCount, 0);
  });

  it('says where it could not connect', async () => {
    const r = await aox(['list', 'users'], { env: { ...env, AOX_DB_PORT: '1' } });
    fails(r, /cannot connect to PostgreSQL at .*:1 \(database aox_test_\w+, role aoxsuper\)/);
  });
});
