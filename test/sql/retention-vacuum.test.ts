import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { addMessages, count, daysAgo, expunge, makeMailbox, makeUser } from './retention-support.ts';

interface VacuumRow {
  policy_expunged: string;
  deleted_purged: string;
  messages_purged: string;
  mailboxes_purged: string;
  addresses_purged: string;
  done: boolean;
}

describe('sql: admin.vacuum', () => {
  let db: TestDatabase;
  beforeEach(async () => { db = await createTestDatabase(); });
  afterEach(async () => { await db.drop(); });

  const vacuum = async (days = 49, limit: number | null = null) =>
    (await db.admin.query<VacuumRow>('select * from admin.vacuum($1, $2)', [days, limit])).rows[0];
  const ageDeleted = (mailbox: number, uid: number, days: number) =>
    db.admin.query(`update mail.deleted_messages set deleted_at = now() - make_interval(days => $3)
                     where mailbox = $1 and uid = $2`, [mailbox, uid, days]);

  it('purges expunged rows older than undelete-time, then unreferenced bodies, and moves the vanished horizon', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    const other = await makeMailbox(db.admin, ann, 'Other');
    await addMessages(db.admin, inbox, [{ subject: 'old' }, { subject: 'recent' }, { subject: 'shared' }, { subject: 'live' }]);
    await addMessages(db.admin, other, [{ subject: 'shared' }]);
    await expunge(db.admin, inbox, [1]);
    await expunge(db.admin, inbox, [2, 3]);
    await ageDeleted(inbox, 1, 50);
    await ageDeleted(inbox, 2, 10);
    await ageDeleted(inbox, 3, 60);
    const horizonBefore = await count(db.admin, 'select vanished_horizon from mail.mailboxes where id = $1', [inbox]);
    assert.equal(horizonBefore, 0);
    const expungeModseqs = (await db.admin.query<{ uid: number; modseq: string }>(
      'select uid, modseq from mail.deleted_messages where mailbox = $1 order by uid', [inbox])).rows;

    const r = await vacuum();
    assert.equal(Number(r.deleted_purged), 2);  // uid 1 (50 days) and uid 3 (60 days)
    assert.equal(Number(r.messages_purged), 1); // "old" only: "shared" lives on in Other
    assert.equal(Number(r.mailboxes_purged), 0);
    assert.equal(r.done, true);

    const left = (await db.admin.query<{ uid: number }>('select uid from mail.deleted_messages order by uid')).rows.map((x) => x.uid);
    assert.deepEqual(left, [2]);
    const subjects = (await db.admin.query<{ subject: string }>('select subject from mail.messages order by subject')).rows.map((x) => x.subject);
    assert.deepEqual(subjects, ['live', 'recent', 'shared']);
    // the horizon is the newest purged expunge: uid 3's (uids 2 and 3 were expunged together)
    assert.equal(await count(db.admin, 'select vanished_horizon from mail.mailboxes where id = $1', [inbox]),
                 Number(expungeModseqs.find((x) => x.uid === 3)?.modseq));
    assert.equal(await count(db.admin, 'select vanished_horizon from mail.mailboxes where id = $1', [other]), 0);

    // nothing more to do: a second run removes nothing
    const again = await vacuum();
    assert.deepEqual([again.deleted_purged, again.messages_purged, again.mailboxes_purged].map(Number), [0, 0, 0]);
  });

  it('honours p_days: 0 purges every expunged row', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [{ subject: 'a' }, { subject: 'b' }]);
    await expunge(db.admin, inbox, [1, 2]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '1 minute'`);
    assert.equal(Number((await vacuum(1)).deleted_purged), 0);
    assert.equal(Number((await vacuum(0)).deleted_purged), 2);
    assert.equal(await count(db.admin, 'select count(*) from mail.messages'), 0);
  });

  it('purges deleted mailboxes once nothing refers to them, and keeps those with restorable rows', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const gone = await makeMailbox(db.admin, ann, 'Gone');
    const kept = await makeMailbox(db.admin, ann, 'Kept');
    const empty = await makeMailbox(db.admin, ann, 'Empty');
    await addMessages(db.admin, gone, [{ subject: 'g' }]);
    await addMessages(db.admin, kept, [{ subject: 'k' }]);
    for (const [id, age] of [[gone, 60], [kept, 5]] as const) {
      await expunge(db.admin, id, [1], 'mailbox deleted');
      await db.admin.query('update mail.mailboxes set deleted_at = now() where id = $1', [id]);
      await ageDeleted(id, 1, age);
    }
    await db.admin.query('update mail.mailboxes set deleted_at = now() where id = $1', [empty]);
    const r = await vacuum();
    assert.equal(Number(r.mailboxes_purged), 2);
    const names = (await db.admin.query<{ name: string }>('select name from mail.mailboxes order by name')).rows.map((x) => x.name);
    assert.deepEqual(names, ['Kept']);
  });

  it('purges message bodies nothing refers to (e.g. after a user was deleted)', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const bob = await makeUser(db.admin, 'bob');
    const a = await makeMailbox(db.admin, ann, 'INBOX');
    const b = await makeMailbox(db.admin, bob, 'INBOX');
    await addMessages(db.admin, a, [{ subject: 'only ann' }, { subject: 'both' }]);
    await addMessages(db.admin, b, [{ subject: 'both' }]);
    await db.admin.query('delete from mail.users where id = $1', [ann]);
    const r = await vacuum();
    assert.equal(Number(r.messages_purged), 1);
    assert.deepEqual((await db.admin.query('select subject from mail.messages')).rows, [{ subject: 'both' }]);
  });

  it('works in batches: with p_limit it says when it is not done, and repeated calls reach the same end', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, Array.from({ length: 7 }, (_, i) => ({ subject: `m${i}` })));
    await expunge(db.admin, inbox, [1, 2, 3, 4, 5, 6, 7]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '100 days'`);
    let calls = 0;
    let totals = [0, 0];
    for (;;) {
      const r = await vacuum(49, 3);
      calls++;
      totals = [totals[0] + Number(r.deleted_purged), totals[1] + Number(r.messages_purged)];
      assert.ok(Number(r.deleted_purged) <= 3 && Number(r.messages_purged) <= 3);
      if (r.done) break;
      assert.ok(calls < 10, 'vacuum never finished');
    }
    assert.deepEqual(totals, [7, 7]);
    assert.ok(calls >= 3);
    assert.equal(await count(db.admin, 'select count(*) from mail.messages'), 0);
    assert.equal(await count(db.admin, 'select count(*) from mail.deleted_messages'), 0);
  });

  it('keeps expunged messages covered by a retain policy past undelete-time', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [
      { subject: 'young', date: daysAgo(200) },
      { subject: 'ancient', date: daysAgo(4000) },
    ]);
    await expunge(db.admin, inbox, [1, 2]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '100 days'`);
    await db.admin.query(`select admin.retention_set('retain', 365, 'ann', 'INBOX')`);
    const r = await vacuum();
    assert.equal(Number(r.deleted_purged), 1);
    assert.deepEqual((await db.admin.query('select subject from mail.messages')).rows, [{ subject: 'young' }]);
  });

  it('purges addresses that no user and no alias has, and only those', async () => {
    const ann = await makeUser(db.admin, 'ann');
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    const ids = (await db.admin.query<{ id: number }>(
      `insert into mail.addresses (localpart, domain) values ('ann', 'x.org'), ('list', 'x.org'), ('old', 'x.org') returning id`)).rows.map((r) => r.id);
    await db.admin.query('insert into mail.user_addresses (usr, address, primary_address) values ($1, $2, true)', [ann, ids[0]]);
    await db.admin.query('insert into mail.aliases (address, mailbox) values ($1, $2)', [ids[1], inbox]);
    const r = await vacuum();
    assert.equal(Number(r.addresses_purged), 1);
    assert.deepEqual((await db.admin.query('select localpart from mail.addresses order by localpart')).rows.map((x) => x.localpart), ['ann', 'list']);
    assert.equal(await count(db.admin, 'select count(*) from mail.aliases'), 1);
  });

  it('may only be run by the owner, not the frontend role', async () => {
    await assert.rejects(db.api.query('select * from admin.vacuum(49)'), /permission denied/);
  });
});
