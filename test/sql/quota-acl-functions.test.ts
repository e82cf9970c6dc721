// api.quota_* (RFC 9208), admin.quota_set/user_set_admin and api.acl_* (RFC 4314), called as the
// frontend role; the rights logic is shared with the aox command's admin.rights_* functions.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { inject, rawMessage } from '../helpers/inject.ts';

describe('sql: QUOTA and ACL', () => {
  let db: TestDatabase;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  before(async () => {
    db = await createTestDatabase();
    alice = await createUser(db.admin, 'alice', 'pw', 'alice@example.com', ['Shared', 'Private']);
    bob = await createUser(db.admin, 'Bob');
    carol = await createUser(db.admin, 'carol');
  });
  after(async () => { await db.drop(); });

  const q = (sql: string, params: unknown[]) => db.api.query(sql, params);

  describe('quota', () => {
    const get = async (user: TestUser, root: string) => (await q('select * from api.quota_get($1, $2)', [user.id, root])).rows[0];

    it('has one root per user, "" for oneself, listing only limited resources', async () => {
      assert.deepEqual(await get(alice, ''), { root: '', resources: [], usages: [], limits: [] });
    });

    it('reports STORAGE in KiB (rounded up) and MESSAGE as a count', async () => {
      const raws = [rawMessage('a', 'x'.repeat(2000)), rawMessage('b')];
      await inject(db.api, alice.id, raws, [{ m: 1, b: alice.inbox }, { m: 2, b: alice.inbox }]);
      await db.admin.query(`select admin.quota_set('alice', 100, 10)`);
      const bytes = raws[0].length + raws[1].length;
      assert.deepEqual(await get(alice, ''), { root: '', resources: ['STORAGE', 'MESSAGE'], usages: [String(Math.ceil(bytes / 1024)), '2'], limits: ['100', '10'] });
      await db.admin.query(`select admin.quota_set('alice', null, 10)`);
      assert.deepEqual((await get(alice, '')).resources, ['MESSAGE']);
    });

    it('enforces what admin.quota_set set (AXQTA), and lifts it', async () => {
      await db.admin.query(`select admin.quota_set('alice', null, 2)`);
      await assert.rejects(inject(db.api, alice.id, [rawMessage('c')], [{ m: 1, b: alice.inbox }]), { code: 'AXQTA' });
      await db.admin.query(`select admin.quota_set('alice', null, null)`);
      await inject(db.api, alice.id, [rawMessage('c')], [{ m: 1, b: alice.inbox }]);
      await assert.rejects(db.admin.query(`select admin.quota_set('alice', -1, null)`), { code: 'AXBAD' });
      await assert.rejects(db.admin.query(`select admin.quota_set('nobody', 1, 1)`), { code: 'AXNEX' });
    });

    it('gives the root of a mailbox (GETQUOTAROOT): one\'s own, or the owner\'s when shared', async () => {
      assert.equal((await q('select * from api.quota_root($1, $2)', [alice.id, 'Shared'])).rows[0].root, '');
      await assert.rejects(q('select * from api.quota_root($1, $2)', [bob.id, 'Other Users/alice/Shared']), { code: 'AXNEX' });
      await db.admin.query(`select admin.rights_set('alice', 'Shared', 'Bob', 'lr')`);
      assert.equal((await q('select * from api.quota_root($1, $2)', [bob.id, 'Other Users/alice/Shared'])).rows[0].root, 'Other Users/alice');
      assert.equal((await get(bob, 'Other Users/alice')).root, 'Other Users/alice');
      await assert.rejects(q('select * from api.quota_root($1, $2)', [alice.id, 'Nonexistent']), { code: 'AXNEX' });
    });

    it('hides other users\' roots from users who cannot see any of their mailboxes', async () => {
      await assert.rejects(get(carol, 'Other Users/alice'), { code: 'AXNEX' });
      await assert.rejects(get(carol, 'Other Users/nobody'), { code: 'AXNEX' });
      await assert.rejects(get(carol, 'INBOX'), { code: 'AXNEX' });
    });

    it('lets only administrators set quotas (SETQUOTA), replacing every limit', async () => {
      const set = (user: TestUser, root: string, res: string[], lim: number[]) =>
        q('select * from api.quota_set($1, $2, $3, $4)', [user.id, root, res, lim]);
      await assert.rejects(set(carol, '', ['STORAGE'], [10]), { code: 'AXPRM' });
      await db.admin.query(`select admin.user_set_admin('carol', true)`);
      assert.deepEqual((await set(carol, 'Other Users/alice', ['STORAGE', 'MESSAGE'], [50, 500])).rows[0].limits, ['50', '500']);
      assert.deepEqual((await set(carol, 'Other Users/ALICE', ['message'], [7])).rows[0],
        { root: 'Other Users/alice', resources: ['MESSAGE'], usages: ['3'], limits: ['7'] });
      // (text, so the result does not depend on whether frontend/db/pool.ts's int8 parser is loaded)
      const u = (await db.admin.query(`select quota_storage::text s, quota_messages::text m from mail.users where login = 'alice'`)).rows[0];
      assert.deepEqual(u, { s: null, m: '7' });
      assert.deepEqual((await set(carol, 'Other Users/alice', [], [])).rows[0].resources, []);
      await assert.rejects(set(carol, 'Other Users/alice', ['MAILBOX'], [1]), { code: 'AXBAD' });
      await assert.rejects(set(carol, 'Other Users/nobody', ['STORAGE'], [1]), { code: 'AXNEX' });
      // storage limits are kept in bytes; huge values are clamped, not overflowed
      await set(carol, '', ['STORAGE'], [4]);
      assert.equal((await db.admin.query(`select quota_storage::text s from mail.users where login = 'carol'`)).rows[0].s, '4096');
      await set(carol, '', ['STORAGE'], [Number.MAX_SAFE_INTEGER]);
      await db.admin.query(`select admin.user_set_admin('carol', false)`);
      await assert.rejects(set(carol, '', [], []), { code: 'AXPRM' });
    });
  });

  describe('ACL', () => {
    before(async () => {
      await db.admin.query(`delete from mail.permissions`);
    });

    const acl = async (user: TestUser, name: string) =>
      (await q('select * from api.acl_get($1, $2)', [user.id, name])).rows.map((r) => `${r.identifier}=${r.rights}`);
    const setacl = (user: TestUser, name: string, ident: string, rights: string) =>
      q('select api.acl_set($1, $2, $3, $4) as r', [user.id, name, ident, rights]).then((r) => r.rows[0].r);
    const my = async (user: TestUser, name: string) => (await q('select api.acl_my_rights($1, $2) as r', [user.id, name])).rows[0].r;

    it('lists the owner with every right, then the entries', async () => {
      assert.deepEqual(await acl(alice, 'Shared'), ['alice=lrswipkxtean']);
      assert.equal(await setacl(alice, 'Shared', 'bob', 'lr'), 'lr');
      assert.equal(await setacl(alice, 'Shared', 'anyone', 'l'), 'l');
      assert.deepEqual(await acl(alice, 'Shared'), ['alice=lrswipkxtean', 'anyone=l', 'Bob=lr']);
    });

    it('adds, removes and replaces rights, expanding obsolete c and d (RFC 4314 §2.1.1)', async () => {
      assert.equal(await setacl(alice, 'Shared', 'bob', '+wc'), 'lrwkx');
      assert.equal(await setacl(alice, 'Shared', 'bob', '-k'), 'lrwx');
      assert.equal(await setacl(alice, 'Shared', 'bob', 'lrd'), 'lrte');
      assert.equal(await setacl(alice, 'Shared', 'bob', 'lr'), 'lr');
    });

    it('agrees with the aox command (admin.rights_list sees what SETACL set)', async () => {
      const r = await db.admin.query(`select * from admin.rights_list('alice', 'Shared', 'bob')`);
      assert.deepEqual(r.rows, [{ identifier: 'Bob', rights: 'lr' }]);
    });

    it('refuses bad rights, negative identifiers, unknown users and the owner', async () => {
      await assert.rejects(setacl(alice, 'Shared', 'bob', 'lrz'), { code: 'AXBAD' });
      await assert.rejects(setacl(alice, 'Shared', '-bob', 'w'), { code: 'AXBAD' });
      await assert.rejects(setacl(alice, 'Shared', 'nobody', 'l'), { code: 'AXNEX' });
      await assert.rejects(setacl(alice, 'Shared', 'alice', '-a'), { code: 'AXBAD' });
    });

    it('gives each user their own rights (MYRIGHTS), "anyone" included', async () => {
      assert.equal(await my(alice, 'Shared'), 'lrswipkxtean');
      assert.equal(await my(bob, 'Other Users/alice/Shared'), 'lr');
      assert.equal(await my(carol, 'Other Users/alice/Shared'), 'l');
      await assert.rejects(my(carol, 'Other Users/alice/Private'), { code: 'AXNEX' });
    });

    it('needs the a right to read or change an ACL (RFC 4314 §4)', async () => {
      await assert.rejects(acl(bob, 'Other Users/alice/Shared'), { code: 'AXPRM' });
      await assert.rejects(setacl(bob, 'Other Users/alice/Shared', 'bob', '+w'), { code: 'AXPRM' });
      await assert.rejects(q('select * from api.acl_list_rights($1, $2, $3)', [bob.id, 'Other Users/alice/Shared', 'bob']), { code: 'AXPRM' });
      await assert.rejects(acl(bob, 'Other Users/alice/Private'), { code: 'AXNEX' });
      await setacl(alice, 'Shared', 'bob', '+a');
      assert.deepEqual(await acl(bob, 'Other Users/alice/Shared'), ['alice=lrswipkxtean', 'anyone=l', 'Bob=lra']);
      assert.equal(await setacl(bob, 'Other Users/alice/Shared', 'carol', 'lrs'), 'lrs');
      await setacl(alice, 'Shared', 'bob', '-a');
    });

    it('lists rights that can be granted (LISTRIGHTS)', async () => {
      const lr = async (ident: string) => (await q('select * from api.acl_list_rights($1, $2, $3)', [alice.id, 'Shared', ident])).rows[0];
      assert.deepEqual(await lr('bob'), { identifier: 'Bob', required: '', optional: ['l', 'r', 's', 'w', 'i', 'p', 'k', 'x', 't', 'e', 'a', 'n', 'c', 'd'] });
      assert.deepEqual(await lr('ALICE'), { identifier: 'alice', required: 'lrswipkxteacdn', optional: [] });
      assert.equal((await lr('anyone')).identifier, 'anyone');
    });

    it('deletes entries (DELETEACL), and deleting nothing succeeds', async () => {
      await q('select api.acl_delete($1, $2, $3)', [alice.id, 'Shared', 'carol']);
      await q('select api.acl_delete($1, $2, $3)', [alice.id, 'Shared', 'carol']);
      assert.deepEqual(await acl(alice, 'Shared'), ['alice=lrswipkxtean', 'anyone=l', 'Bob=lr']);
      await q('select api.acl_delete($1, $2, $3)', [alice.id, 'Shared', 'anyone']);
      await assert.rejects(my(carol, 'Other Users/alice/Shared'), { code: 'AXNEX' });
    });

    it('never lets a user read another\'s mailbox without a grant', async () => {
      await assert.rejects(q('select * from api.mailbox_select($1, $2, false)', [carol.id, 'Other Users/alice/Shared']), { code: 'AXNEX' });
      await assert.rejects(q('select * from api.messages_fetch($1, $2, $3, $4)', [carol.id, alice.inbox, '{[1,100)}', ['raw']]), { code: 'AXNEX' });
      await assert.rejects(q('select * from api.messages_sort($1, $2, null, $3)', [carol.id, alice.inbox, ['ARRIVAL']]), { code: 'AXNEX' });
      await assert.rejects(q('select * from api.messages_thread_data($1, $2, null)', [carol.id, alice.inbox]), { code: 'AXNEX' });
      await assert.rejects(q('select * from api.acl_get($1, $2)', [carol.id, 'Other Users/alice/INBOX']), { code: 'AXNEX' });
    });
  });
});
