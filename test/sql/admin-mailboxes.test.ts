// admin.mailbox_* and admin.alias_*: names as administrators give them (owner login + name).
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { addUser, mailboxId, rejectsWith } from './admin-helpers.ts';

describe('sql: admin mailboxes and aliases', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await addUser(db.admin, 'ann');
    await addUser(db.admin, 'ben');
  });
  after(async () => { await db.drop(); });

  const q = (sql: string, params: unknown[] = []) => db.admin.query(sql, params);

  describe('mailbox_create', () => {
    it('creates a mailbox and its missing parents, returning its id', async () => {
      const r = await q('select admin.mailbox_create($1, $2) as id', ['ANN', 'Lists/pg/hackers']);
      assert.equal(r.rows[0].id, await mailboxId(db.admin, 'ann', 'Lists/pg/hackers'));
      await mailboxId(db.admin, 'ann', 'Lists');
      await mailboxId(db.admin, 'ann', 'Lists/pg');
    });

    it('takes an RFC 6154 special use and refuses an unknown one', async () => {
      await q(`select admin.mailbox_create('ann', 'Flagged', '\\Flagged')`);
      assert.equal((await q(`select special_use from mail.mailboxes where name = 'Flagged'`)).rows[0].special_use, '\\Flagged');
      await rejectsWith(q(`select admin.mailbox_create('ann', 'X', '\\Important')`), 'AXBAD', /special use/);
    });

    it('raises AXEXI, AXNEX and AXBAD', async () => {
      await rejectsWith(q(`select admin.mailbox_create('ann', 'Lists')`), 'AXEXI');
      await rejectsWith(q(`select admin.mailbox_create('ann', 'inbox')`), 'AXEXI');
      await rejectsWith(q(`select admin.mailbox_create('nobody', 'X')`), 'AXNEX', /no such user/);
      await rejectsWith(q(`select admin.mailbox_create('ann', 'a//b')`), 'AXBAD');
      await rejectsWith(q(`select admin.mailbox_create('ann', '')`), 'AXBAD');
    });
  });

  describe('mailbox_list', () => {
    it('lists live mailboxes as /users/<login>/<name>, INBOX first per owner', async () => {
      const r = await q(`select name from admin.mailbox_list(null, 'ann')`);
      assert.deepEqual(r.rows.map((x) => x.name), ['/users/ann/INBOX', '/users/ann/Archive', '/users/ann/Drafts',
        '/users/ann/Flagged', '/users/ann/Junk', '/users/ann/Lists', '/users/ann/Lists/pg', '/users/ann/Lists/pg/hackers',
        '/users/ann/Sent', '/users/ann/Trash']);
    });

    it('matches a pattern against the full name or the name below the owner', async () => {
      assert.deepEqual((await q(`select name from admin.mailbox_list('/users/*/INBOX')`)).rows.map((x) => x.name),
        ['/users/ann/INBOX', '/users/ben/INBOX']);
      assert.deepEqual((await q(`select name from admin.mailbox_list('Lists/*')`)).rows.map((x) => x.name),
        ['/users/ann/Lists/pg', '/users/ann/Lists/pg/hackers']);
      assert.deepEqual((await q(`select name from admin.mailbox_list('Tras?', 'ben')`)).rows.map((x) => x.name),
        ['/users/ben/Trash']);
    });

    it('reports counters and raises AXNEX for an unknown owner', async () => {
      const inbox = await mailboxId(db.admin, 'ben', 'INBOX');
      await inject(db.admin, null, [rawMessage('a'), rawMessage('b')], [{ m: 1, b: inbox }, { m: 2, b: inbox, f: ['\\Seen'] }]);
      const r = await q(`select messages, unseen, size from admin.mailbox_list('INBOX', 'ben')`);
      assert.equal(r.rows[0].messages, 2);
      assert.equal(r.rows[0].unseen, 1);
      assert.ok(Number(r.rows[0].size) > 100);
      await rejectsWith(q(`select * from admin.mailbox_list(null, 'nobody')`), 'AXNEX');
    });
  });

  describe('mailbox_delete', () => {
    it('deletes an empty mailbox; deleted ones show only when asked', async () => {
      await q(`select admin.mailbox_create('ann', 'Old')`);
      assert.equal(Number((await q(`select admin.mailbox_delete('ann', 'Old') as n`)).rows[0].n), 0);
      assert.equal((await q(`select * from admin.mailbox_list('Old', 'ann')`)).rowCount, 0);
      const d = await q(`select deleted_at from admin.mailbox_list('Old', 'ann', true)`);
      assert.equal(d.rowCount, 1);
      assert.ok(d.rows[0].deleted_at instanceof Date);
    });

    it('refuses a mailbox with messages unless forced; forced, the messages become undeletable', async () => {
      await q(`select admin.mailbox_create('ben', 'Full')`);
      const box = await mailboxId(db.admin, 'ben', 'Full');
      await inject(db.admin, null, [rawMessage('x')], [{ m: 1, b: box }]);
      await rejectsWith(q(`select admin.mailbox_delete('ben', 'Full')`), 'AXPRM', /not empty \(1 messages\)/);
      assert.equal(Number((await q(`select admin.mailbox_delete('ben', 'Full', true) as n`)).rows[0].n), 1);
      const gone = await q('select reason from mail.deleted_messages where mailbox = $1', [box]);
      assert.deepEqual(gone.rows, [{ reason: 'mailbox deleted' }]);
    });

    it('refuses a mailbox an alias delivers to unless forced, which deletes the alias', async () => {
      await q(`select admin.mailbox_create('ben', 'Listbox')`);
      await q(`select admin.alias_create('lb@example.com', 'ben', 'Listbox')`);
      await rejectsWith(q(`select admin.mailbox_delete('ben', 'Listbox')`), 'AXPRM', /alias lb@example.com/);
      await q(`select admin.mailbox_delete('ben', 'Listbox', true)`);
      assert.equal((await q(`select * from admin.alias_list('lb@*')`)).rowCount, 0);
    });

    it('keeps a mailbox with children as \\Noselect', async () => {
      await q(`select admin.mailbox_delete('ann', 'Lists/pg')`);
      const r = await q(`select name, selectable from admin.mailbox_list('Lists/pg', 'ann')`);
      assert.deepEqual(r.rows, [{ name: '/users/ann/Lists/pg', selectable: false }]);
    });

    it('refuses INBOX and raises AXNEX for unknown mailboxes and users', async () => {
      await rejectsWith(q(`select admin.mailbox_delete('ann', 'inbox')`), 'AXPRM', /INBOX/);
      await rejectsWith(q(`select admin.mailbox_delete('ann', 'Nope')`), 'AXNEX', /no such mailbox: \/users\/ann\/Nope/);
      await rejectsWith(q(`select admin.mailbox_delete('nobody', 'INBOX')`), 'AXNEX', /no such user/);
    });
  });

  describe('aliases', () => {
    it('alias_create delivers an address to a mailbox; alias_list shows it', async () => {
      const id = (await q(`select admin.alias_create('Postmaster@Example.com', 'ann', 'Lists/pg/hackers') as id`)).rows[0].id;
      assert.ok(id > 0);
      const r = await q(`select * from admin.alias_list('postmaster@*')`);
      assert.deepEqual(r.rows, [{ address: 'Postmaster@example.com', mailbox: '/users/ann/Lists/pg/hackers', owner: 'ann', path: 'Lists/pg/hackers' }]);
      assert.equal((await q(`select * from admin.alias_list()`)).rowCount, 1);
    });

    it('alias_create raises AXEXI, AXNEX and AXBAD', async () => {
      await rejectsWith(q(`select admin.alias_create('postmaster@example.com', 'ben', 'INBOX')`), 'AXEXI', /alias for/);
      await rejectsWith(q(`select admin.alias_create('ann@example.com', 'ben', 'INBOX')`), 'AXEXI', /belongs to user ann/);
      await rejectsWith(q(`select admin.alias_create('x@example.com', 'ben', 'Nope')`), 'AXNEX', /no such mailbox/);
      await rejectsWith(q(`select admin.alias_create('x@example.com', 'nobody', 'INBOX')`), 'AXNEX', /no such user/);
      await rejectsWith(q(`select admin.alias_create('not-an-address', 'ben', 'INBOX')`), 'AXBAD');
      await rejectsWith(q(`select admin.alias_create('x@example.com', 'ann', 'Lists/pg')`), 'AXBAD', /Noselect/);
    });

    it('alias_delete removes the alias, raising AXNEX when there is none and AXBAD for a bad address', async () => {
      await q(`select admin.alias_delete('POSTMASTER@example.com')`);
      assert.equal((await q(`select * from admin.alias_list()`)).rowCount, 0);
      await rejectsWith(q(`select admin.alias_delete('postmaster@example.com')`), 'AXNEX', /no such alias/);
      await rejectsWith(q(`select admin.alias_delete('bad')`), 'AXBAD');
    });
  });
});
