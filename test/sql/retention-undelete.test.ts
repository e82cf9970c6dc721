import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { addMessages, count, expunge, makeMailbox, makeUser } from './retention-support.ts';

interface UndeleteRow { old_uid: number; new_uid: number | null; subject: string; reason: string }

describe('sql: admin.undelete', () => {
  let db: TestDatabase;
  let ann: number;
  let inbox: number;
  beforeEach(async () => {
    db = await createTestDatabase();
    ann = await makeUser(db.admin, 'ann');
    inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [
      { subject: 'alpha', from: 'Alice <alice@example.org>', date: new Date('2020-01-01T10:00:00Z'), flags: ['\\Seen', '$Work'] },
      { subject: 'beta', from: 'Bob <bob@example.org>', date: new Date('2020-02-01T10:00:00Z'), flags: ['\\Flagged', '\\Deleted'] },
      { subject: 'gamma', from: 'alice@example.org', date: new Date('2020-03-01T10:00:00Z'), body: 'The Minutes of the Über meeting' },
      { subject: 'delta', from: 'Carol <carol@example.org>', date: new Date('2020-04-01T10:00:00Z') },
      { subject: 'epsilon', from: 'Dave <dave@example.org>', date: new Date('2020-05-01T10:00:00Z') },
    ]);
    await expunge(db.admin, inbox, [1, 2, 3, 4]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = '2024-06-01T00:00:00Z' where uid in (1, 2)`);
  });
  afterEach(async () => { await db.drop(); });

  const undelete = async (search: object, dryRun = false, owner = 'ann', name = 'INBOX') =>
    (await db.admin.query<UndeleteRow>('select * from admin.undelete($1, $2, $3, $4)', [owner, name, JSON.stringify(search), dryRun])).rows;
  const terms = (...t: object[]) => ({ op: 'and', terms: t });

  it('lists without changing anything when dry-running', async () => {
    const rows = await undelete({ op: 'all' }, true);
    assert.deepEqual(rows.map((r) => [r.old_uid, r.new_uid, r.subject]),
      [[1, null, 'alpha'], [2, null, 'beta'], [3, null, 'gamma'], [4, null, 'delta']]);
    assert.equal(await count(db.admin, 'select count(*) from mail.mailbox_messages'), 1);
    assert.equal(await count(db.admin, 'select count(*) from mail.deleted_messages where restored_at is null'), 4);
  });

  it('restores with new UIDs, keeps flags but not \\Deleted, keeps the old UIDs expunged for QRESYNC', async () => {
    const before = (await db.admin.query('select uidnext, nextmodseq from mail.mailboxes where id = $1', [inbox])).rows[0];
    const rows = await undelete({ op: 'uid', set: '{[1,3)}' });
    assert.deepEqual(rows.map((r) => [r.old_uid, r.new_uid]), [[1, 6], [2, 7]]);
    const live = (await db.admin.query(
      `select uid, modseq, mail.flag_list(seen, answered, flagged, deleted, draft, keywords) as flags, internaldate
         from mail.mailbox_messages where mailbox = $1 order by uid`, [inbox])).rows;
    assert.deepEqual(live.map((r) => [r.uid, r.flags]), [[5, []], [6, ['\\Seen', '$Work']], [7, ['\\Flagged']]]);
    assert.equal(Number(live[1].modseq), Number(before.nextmodseq));
    assert.equal(live[1].internaldate.toISOString(), '2020-01-01T10:00:00.000Z');
    const box = (await db.admin.query('select uidnext, messages, unseen from mail.mailboxes where id = $1', [inbox])).rows[0];
    assert.deepEqual(box, { uidnext: 8, messages: 3, unseen: 2 });
    // the old UIDs are still reported as expunged to a client that knew them
    const changes = (await db.admin.query(`select kind, uid from api.mailbox_changes($1, $2, 0) where kind <> 'state'`, [ann, inbox])).rows;
    assert.deepEqual(changes.filter((c) => c.kind === 'expunged').map((c) => c.uid), [1, 2, 3, 4]);
    assert.deepEqual(changes.filter((c) => c.kind === 'changed').map((c) => c.uid), [5, 6, 7]);
    // and restoring twice restores nothing
    assert.deepEqual(await undelete({ op: 'uid', set: '{[1,3)}' }), []);
    assert.deepEqual((await undelete({ op: 'all' }, true)).map((r) => r.old_uid), [3, 4]);
  });

  it('searches by from, subject, body, dates, deletion date, not and or', async () => {
    const uids = async (search: object) => (await undelete(search, true)).map((r) => r.old_uid);
    assert.deepEqual(await uids({ op: 'from', text: 'ALICE' }), [1, 3]);
    assert.deepEqual(await uids({ op: 'subject', text: 'ta' }), [2, 4]);
    assert.deepEqual(await uids({ op: 'since', date: '2020-02-01' }), [2, 3, 4]);
    assert.deepEqual(await uids({ op: 'before', date: '2020-02-01' }), [1]);
    assert.deepEqual(await uids({ op: 'on', date: '2020-03-01' }), [3]);
    assert.deepEqual(await uids(terms({ op: 'since', date: '2020-02-01' }, { op: 'before', date: '2020-04-01' })), [2, 3]);
    assert.deepEqual(await uids({ op: 'deleted-before', date: '2025-01-01' }), [1, 2]);
    assert.deepEqual(await uids({ op: 'deleted-since', date: '2025-01-01' }), [3, 4]);
    assert.deepEqual(await uids({ op: 'not', term: { op: 'from', text: 'alice' } }), [2, 4]);
    assert.deepEqual(await uids({ op: 'or', terms: [{ op: 'subject', text: 'alpha' }, { op: 'uid', set: '{[4,5)}' }] }), [1, 4]);
    assert.deepEqual(await uids({ op: 'reason', text: 'expunged' }), [1, 2, 3, 4]);
    assert.deepEqual(await uids({ op: 'body', text: 'minutes OF' }), [3]);
    assert.deepEqual(await uids({ op: 'body', text: 'über' }), [3]);   // Unicode case mapping, as IMAP SEARCH
    await assert.rejects(uids({ op: 'bogus' }), (e: { code?: string }) => e.code === 'AXBAD');
  });

  it('brings back the messages of a deleted mailbox into a mailbox of the same name', async () => {
    const projects = await makeMailbox(db.admin, ann, 'Projects');
    await addMessages(db.admin, projects, [{ subject: 'plan' }, { subject: 'budget' }]);
    await expunge(db.admin, projects, [1, 2], 'mailbox deleted');
    await db.admin.query('update mail.mailboxes set deleted_at = now() where id = $1', [projects]);
    const rows = await undelete({ op: 'all' }, false, 'ann', 'Projects');
    assert.deepEqual(rows.map((r) => [r.old_uid, r.new_uid, r.reason]), [[1, 1, 'mailbox deleted'], [2, 2, 'mailbox deleted']]);
    const live = (await db.admin.query(`select id, messages from mail.mailboxes where owner = $1 and name = 'Projects' and deleted_at is null`, [ann])).rows;
    assert.equal(live.length, 1);
    assert.notEqual(live[0].id, projects);
    assert.equal(live[0].messages, 2);
  });

  it('refuses unknown mailboxes and users', async () => {
    await assert.rejects(undelete({ op: 'all' }, true, 'ann', 'Nope'), (e: { code?: string }) => e.code === 'AXNEX');
    await assert.rejects(undelete({ op: 'all' }, true, 'zed', 'INBOX'), (e: { code?: string }) => e.code === 'AXNEX');
  });
});
