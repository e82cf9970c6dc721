// admin.user_* as the owner calls them (the aox CLI, a DBA in psql), and that the frontend role
// cannot call any admin.* function.
import assert from 'node:assert/strict';
import { storedKey } from '../../frontend/auth/scram.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { addUser, mailboxId, rejectsWith, verifier } from './admin-helpers.ts';

describe('sql: admin users', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  /** What the frontend does for PLAIN: derive StoredKey from the password and the stored salt. */
  async function login(name: string, password: string): Promise<number> {
    const c = await db.api.query<{ iterations: number; salt: Buffer }>('select * from api.auth_challenge($1)', [name]);
    const key = storedKey(password, c.rows[0].salt, c.rows[0].iterations);
    const r = await db.api.query<{ usr: number }>('select * from api.auth_plain($1, $2)', [name, key]);
    return r.rows[0].usr;
  }

  describe('user_create', () => {
    it('creates the user, its address, INBOX and the special-use mailboxes, subscribed', async () => {
      const id = await addUser(db.admin, 'alice', 'Alice@Example.COM');
      const boxes = await db.admin.query<{ name: string; special_use: string | null }>(
        'select name, special_use from mail.mailboxes where owner = $1 order by id', [id]);
      assert.deepEqual(boxes.rows, [
        { name: 'INBOX', special_use: null }, { name: 'Sent', special_use: '\\Sent' },
        { name: 'Drafts', special_use: '\\Drafts' }, { name: 'Trash', special_use: '\\Trash' },
        { name: 'Junk', special_use: '\\Junk' }, { name: 'Archive', special_use: '\\Archive' },
      ]);
      const subs = await db.admin.query('select name from mail.subscriptions where usr = $1', [id]);
      assert.equal(subs.rowCount, 6);
      const a = await db.admin.query(
        `select a.localpart, a.domain, ua.primary_address from mail.user_addresses ua
           join mail.addresses a on a.id = ua.address where ua.usr = $1`, [id]);
      assert.deepEqual(a.rows, [{ localpart: 'Alice', domain: 'example.com', primary_address: true }]);
    });

    it('stores a verifier that authenticates the password', async () => {
      await db.admin.query('select admin.user_create($1, $2, $3)', ['bob', verifier('hunter2'), 'bob@example.com']);
      assert.ok(await login('bob', 'hunter2') > 0);
      await rejectsWith(login('bob', 'wrong'), 'AXAUT');
    });

    it('refuses a taken login (in any case) or address with AXEXI', async () => {
      await rejectsWith(addUser(db.admin, 'ALICE', 'other@example.com'), 'AXEXI', /user exists: ALICE/);
      await rejectsWith(addUser(db.admin, 'carol', 'alice@EXAMPLE.com'), 'AXEXI', /belongs to user alice/);
    });

    it('refuses bad logins, secrets and addresses with AXBAD', async () => {
      for (const bad of ['', 'a/b', 'with space', 'anyone', 'Anonymous', '-x', 'star*', 'tab\tx']) {
        await rejectsWith(addUser(db.admin, bad, 'x@example.com'), 'AXBAD', /login/);
      }
      await rejectsWith(db.admin.query('select admin.user_create($1, $2, $3)', ['dave', 'plaintext', 'dave@example.com']),
        'AXBAD', /SCRAM-SHA-256 verifier/);
      for (const bad of ['dave', 'dave@', '@example.com', 'da ve@example.com', 'dave@exa_mple.com', 'dave@-x.com', 'a..b@example.com']) {
        await rejectsWith(addUser(db.admin, 'dave', bad), 'AXBAD', /invalid address/);
      }
      assert.equal((await db.admin.query(`select 1 from mail.users where login = 'dave'`)).rowCount, 0);
    });
  });

  describe('user_set_password', () => {
    it('replaces the verifier', async () => {
      await db.admin.query('select admin.user_set_password($1, $2)', ['BOB', verifier('new-password')]);
      assert.ok(await login('bob', 'new-password') > 0);
      await rejectsWith(login('bob', 'hunter2'), 'AXAUT');
    });

    it('raises AXNEX for an unknown user and AXBAD for a non-verifier', async () => {
      await rejectsWith(db.admin.query('select admin.user_set_password($1, $2)', ['nobody', verifier()]), 'AXNEX', /no such user: nobody/);
      await rejectsWith(db.admin.query('select admin.user_set_password($1, $2)', ['bob', 'hunter3']), 'AXBAD');
    });
  });

  describe('user_rename', () => {
    it('renames, carrying ACL entries and others\' subscriptions along', async () => {
      await addUser(db.admin, 'erin');
      await db.admin.query(`select admin.rights_set('alice', 'INBOX', 'erin', 'lr')`);
      await db.admin.query(`select admin.rights_set('erin', 'INBOX', 'alice', 'lr')`);
      const alice = (await db.admin.query(`select id from mail.users where login = 'alice'`)).rows[0].id;
      await db.admin.query(`insert into mail.subscriptions (usr, name) values ($1, 'Other Users/erin/INBOX')`, [alice]);
      await db.admin.query('select admin.user_rename($1, $2)', ['Erin', 'erin2']);
      const acl = await db.admin.query(`select identifier from mail.permissions where identifier like 'erin%'`);
      assert.deepEqual(acl.rows, [{ identifier: 'erin2' }]);
      const subs = await db.admin.query(`select name from mail.subscriptions where usr = $1 and name like 'Other Users/%'`, [alice]);
      assert.deepEqual(subs.rows, [{ name: 'Other Users/erin2/INBOX' }]);
      assert.ok(await login('erin2', 'secret') > 0);
    });

    it('allows a change of case only', async () => {
      await db.admin.query('select admin.user_rename($1, $2)', ['erin2', 'Erin2']);
      assert.equal((await db.admin.query(`select login from mail.users where lower(login) = 'erin2'`)).rows[0].login, 'Erin2');
    });

    it('raises AXNEX, AXEXI and AXBAD', async () => {
      await rejectsWith(db.admin.query('select admin.user_rename($1, $2)', ['nobody', 'x']), 'AXNEX');
      await rejectsWith(db.admin.query('select admin.user_rename($1, $2)', ['Erin2', 'alice']), 'AXEXI', /user exists/);
      await rejectsWith(db.admin.query('select admin.user_rename($1, $2)', ['Erin2', 'a/b']), 'AXBAD');
    });
  });

  describe('user_set_address', () => {
    it('replaces the primary address', async () => {
      await db.admin.query('select admin.user_set_address($1, $2)', ['bob', 'robert@example.org']);
      const r = await db.admin.query(`select address from admin.user_list('bob')`);
      assert.deepEqual(r.rows, [{ address: 'robert@example.org' }]);
      // the old address is free again
      await addUser(db.admin, 'frank', 'bob@example.com');
    });

    it('accepts the address the user already has', async () => {
      await db.admin.query('select admin.user_set_address($1, $2)', ['bob', 'ROBERT@example.org']);
      assert.equal((await db.admin.query(`select address from admin.user_list('bob')`)).rowCount, 1);
    });

    it('raises AXEXI when another user or an alias has the address, AXNEX and AXBAD', async () => {
      await rejectsWith(db.admin.query('select admin.user_set_address($1, $2)', ['bob', 'alice@example.com']), 'AXEXI');
      await db.admin.query(`select admin.alias_create('list@example.com', 'alice', 'INBOX')`);
      await rejectsWith(db.admin.query('select admin.user_set_address($1, $2)', ['bob', 'list@example.com']), 'AXEXI', /alias for \/users\/alice\/INBOX/);
      await rejectsWith(db.admin.query('select admin.user_set_address($1, $2)', ['nobody', 'n@example.com']), 'AXNEX');
      await rejectsWith(db.admin.query('select admin.user_set_address($1, $2)', ['bob', 'not an address']), 'AXBAD');
    });
  });

  describe('user_list', () => {
    it('lists all users, or those matching * and ? case-insensitively', async () => {
      const all = await db.admin.query<{ login: string }>('select login from admin.user_list()');
      assert.deepEqual(all.rows.map((r) => r.login), ['alice', 'bob', 'Erin2', 'frank']);
      const some = await db.admin.query<{ login: string; address: string }>(`select login, address from admin.user_list('?O*')`);
      assert.deepEqual(some.rows, [{ login: 'bob', address: 'robert@example.org' }]);
      assert.equal((await db.admin.query(`select * from admin.user_list('b%')`)).rowCount, 0);
      assert.equal((await db.admin.query(`select * from admin.user_list('fr_nk')`)).rowCount, 0);
    });
  });

  describe('user_delete', () => {
    it('refuses a user with messages unless forced (AXPRM), then deletes everything', async () => {
      const frank = await addUser(db.admin, 'grace');
      const inbox = await mailboxId(db.admin, 'grace', 'INBOX');
      await inject(db.admin, null, [rawMessage('one'), rawMessage('two')], [{ m: 1, b: inbox }, { m: 2, b: inbox }]);
      await db.admin.query(`select admin.rights_set('alice', 'INBOX', 'grace', 'lr')`);
      await rejectsWith(db.admin.query(`select admin.user_delete('grace')`), 'AXPRM', /has 2 messages/);
      const r = await db.admin.query(`select admin.user_delete('grace', true) as n`);
      assert.equal(Number(r.rows[0].n), 2);
      for (const [table, column] of [['mail.users', 'id'], ['mail.mailboxes', 'owner'], ['mail.user_addresses', 'usr']]) {
        assert.equal((await db.admin.query(`select 1 from ${table} where ${column} = $1`, [frank])).rowCount, 0, table);
      }
      assert.equal((await db.admin.query(`select 1 from mail.permissions where identifier = 'grace'`)).rowCount, 0);
    });

    it('deletes a user without messages without force', async () => {
      await db.admin.query(`select admin.user_delete('FRANK')`);
      assert.equal((await db.admin.query(`select * from admin.user_list('frank')`)).rowCount, 0);
    });

    it('raises AXNEX for an unknown user', async () => {
      await rejectsWith(db.admin.query(`select admin.user_delete('nobody')`), 'AXNEX', /no such user: nobody/);
    });
  });

  describe('privileges', () => {
    it('the frontend role cannot execute admin functions', async () => {
      for (const sql of [`select * from admin.user_list()`, `select admin.user_delete('alice', true)`,
                         `select * from admin.counts()`]) {
        await assert.rejects(db.api.query(sql), /permission denied/);
      }
      assert.equal((await db.admin.query(`select 1 from mail.users where login = 'alice'`)).rowCount, 1);
    });

    it('every admin function is SECURITY DEFINER with a fixed search_path and a comment', async () => {
      const r = await db.admin.query<{ name: string; secdef: boolean; config: string[] | null; comment: string | null }>(
        `select p.proname as name, p.prosecdef as secdef, p.proconfig as config, obj_description(p.oid, 'pg_proc') as comment
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'admin' and p.proname ~ '^(user|mailbox|alias|rights)_|^counts$'`);
      assert.ok(r.rowCount && r.rowCount >= 16);
      for (const f of r.rows) {
        assert.ok(f.secdef, `${f.name} is security definer`);
        assert.deepEqual(f.config, ['search_path=pg_catalog, pg_temp'], f.name);
        assert.ok(f.comment, `${f.name} has a comment`);
      }
    });
  });
});
