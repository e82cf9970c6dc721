// admin.rights_* (RFC 4314 ACLs as the CLI sets them) and admin.counts.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { addUser, mailboxId, rejectsWith } from './admin-helpers.ts';

describe('sql: admin rights and counts', () => {
  let db: TestDatabase;
  let kim: number;
  let lee: number;
  before(async () => {
    db = await createTestDatabase();
    kim = await addUser(db.admin, 'kim');
    lee = await addUser(db.admin, 'lee');
  });
  after(async () => { await db.drop(); });

  const q = (sql: string, params: unknown[] = []) => db.admin.query(sql, params);
  const set = async (identifier: string, rights: string) =>
    (await q(`select admin.rights_set('kim', 'INBOX', $1, $2) as r`, [identifier, rights])).rows[0].r as string;

  describe('rights_set', () => {
    it('sets, adds and removes letters, kept in RFC 4314 order', async () => {
      assert.equal(await set('LEE', 'rl'), 'lr');
      assert.equal(await set('lee', '+wsl'), 'lrsw');
      assert.equal(await set('lee', '-w'), 'lrs');
      assert.equal(await set('anyone', 'l'), 'l');
      const r = await q(`select identifier, rights from mail.permissions order by identifier`);
      assert.deepEqual(r.rows, [{ identifier: 'anyone', rights: 'l' }, { identifier: 'lee', rights: 'lrs' }]);
    });

    it('maps the obsolete c and d rights (RFC 4314 §2.1.1)', async () => {
      assert.equal(await set('lee', 'lrcd'), 'lrkxte');
    });

    it('grants what the frontend then enforces', async () => {
      const inbox = await mailboxId(db.admin, 'kim', 'INBOX');
      const r = await db.api.query('select * from api.mailbox_status($1, $2)', [lee, 'Other Users/kim/INBOX']);
      assert.equal(r.rows[0].mailbox, inbox);
    });

    it('deletes the entry when no rights are left', async () => {
      assert.equal(await set('anyone', '-l'), '');
      assert.equal((await q(`select 1 from mail.permissions where identifier = 'anyone'`)).rowCount, 0);
    });

    it('raises AXBAD for unknown letters, negative identifiers and the owner', async () => {
      await rejectsWith(set('lee', 'lrz'), 'AXBAD', /invalid rights letters "z"/);
      await rejectsWith(set('lee', '+L'), 'AXBAD');
      await rejectsWith(set('-lee', 'r'), 'AXBAD', /negative rights/);
      await rejectsWith(set('KIM', 'r'), 'AXBAD', /owner/);
    });

    it('raises AXNEX for unknown identifiers, owners and mailboxes', async () => {
      await rejectsWith(set('nobody', 'r'), 'AXNEX', /no such user: nobody/);
      await rejectsWith(q(`select admin.rights_set('nobody', 'INBOX', 'lee', 'r')`), 'AXNEX');
      await rejectsWith(q(`select admin.rights_set('kim', 'Nope', 'lee', 'r')`), 'AXNEX', /no such mailbox/);
    });
  });

  describe('rights_list', () => {
    it('lists the owner\'s implicit rights, then the entries', async () => {
      await set('anyone', 'lr');
      const r = await q(`select * from admin.rights_list('kim', 'INBOX')`);
      assert.deepEqual(r.rows, [
        { identifier: 'kim', rights: 'lrswipkxtean' },
        { identifier: 'anyone', rights: 'lr' },
        { identifier: 'lee', rights: 'lrkxte' },
      ]);
    });

    it('gives the rights an identifier effectively has', async () => {
      assert.deepEqual((await q(`select * from admin.rights_list('kim', 'INBOX', 'ANYONE')`)).rows, [{ identifier: 'anyone', rights: 'lr' }]);
      assert.deepEqual((await q(`select * from admin.rights_list('kim', 'INBOX', 'Lee')`)).rows, [{ identifier: 'lee', rights: 'lrkxte' }]);
      assert.deepEqual((await q(`select * from admin.rights_list('kim', 'Sent', 'lee')`)).rows, [{ identifier: 'lee', rights: '' }]);
    });

    it('raises AXNEX for unknown users and mailboxes', async () => {
      await rejectsWith(q(`select * from admin.rights_list('kim', 'INBOX', 'nobody')`), 'AXNEX');
      await rejectsWith(q(`select * from admin.rights_list('kim', 'Nope')`), 'AXNEX');
    });
  });

  describe('rights_delete', () => {
    it('removes an entry, and raises AXNEX when there is none', async () => {
      await q(`select admin.rights_delete('kim', 'INBOX', 'LEE')`);
      assert.equal((await q(`select 1 from mail.permissions where identifier = 'lee'`)).rowCount, 0);
      await rejectsWith(q(`select admin.rights_delete('kim', 'INBOX', 'lee')`), 'AXNEX', /no ACL entry/);
    });
  });

  describe('counts', () => {
    it('counts users, mailboxes, messages, bodies and bytes from the counters', async () => {
      const inbox = await mailboxId(db.admin, 'kim', 'INBOX');
      const sent = await mailboxId(db.admin, 'kim', 'Sent');
      const raw = rawMessage('counted');
      // the same message in two mailboxes is one body
      await inject(db.admin, kim, [raw], [{ m: 1, b: inbox }, { m: 1, b: sent, f: ['\\Seen', '\\Deleted'] }]);
      const r = await q('select name, value from admin.counts()');
      assert.deepEqual(Object.fromEntries(r.rows.map((x) => [x.name, Number(x.value)])),
        { users: 2, mailboxes: 12, messages: 2, bodies: 1, bytes: 2 * raw.length });
    });

    it('adds the full set with p_full', async () => {
      const r = await q('select name, value from admin.counts(true)');
      const c = Object.fromEntries(r.rows.map((x) => [x.name, Number(x.value)]));
      assert.equal(c.unseen, 1);
      assert.equal(c['flagged-deleted'], 1);
      assert.equal(c.expunged, 0);
      assert.equal(c['body-bytes'], rawMessage('counted').length);
      assert.equal(c.addresses, 2);
      assert.ok(c['database-bytes'] > 1_000_000);
      for (const k of ['aliases', 'deleted-mailboxes', 'bodies-with-problems']) assert.equal(typeof c[k], 'number', k);
    });
  });
});
