import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { addMessages, count, daysAgo, makeMailbox, makeUser } from './retention-support.ts';

describe('sql: retention policies', () => {
  let db: TestDatabase;
  let ann: number;
  let bob: number;
  beforeEach(async () => {
    db = await createTestDatabase();
    ann = await makeUser(db.admin, 'ann');
    bob = await makeUser(db.admin, 'bob');
  });
  afterEach(async () => { await db.drop(); });

  const set = (action: string, days: number | null, owner: string | null = null, name: string | null = null,
               selector: object | null = null) =>
    db.admin.query<{ id: number | null }>('select admin.retention_set($1, $2, $3, $4, $5) as id',
      [action, days, owner, name, selector && JSON.stringify(selector)]);
  const subjects = async (mailbox: number) =>
    (await db.admin.query<{ subject: string }>(
      `select m.subject from mail.mailbox_messages mm join mail.messages m on m.id = mm.message
        where mm.mailbox = $1 order by m.subject`, [mailbox])).rows.map((r) => r.subject);

  it('stores one policy per action and scope; 0 days removes it; lists them', async () => {
    await makeMailbox(db.admin, ann, 'INBOX');
    const first = (await set('retain', 30, 'ann', 'INBOX')).rows[0].id;
    const second = (await set('retain', 90, 'ANN', 'inbox')).rows[0].id;
    assert.equal(first, second);
    await set('delete', 365);
    await set('retain', 10);
    const list = (await db.admin.query('select id, action, days, mailbox from admin.retention_list()')).rows;
    assert.deepEqual(list.map((r) => [r.action, r.days, r.mailbox]),
      [['delete', 365, null], ['retain', 10, null], ['retain', 90, '/users/ann/INBOX']]);
    assert.equal((await set('retain', 0, 'ann', 'INBOX')).rows[0].id, null);
    assert.equal(await count(db.admin, 'select count(*) from mail.retention_policies'), 2);
    await db.admin.query('select admin.retention_remove($1)', [list[0].id]);
    assert.equal(await count(db.admin, 'select count(*) from mail.retention_policies'), 1);
    await assert.rejects(db.admin.query('select admin.retention_remove(-1)'), (e: { code?: string }) => e.code === 'AXNEX');
    await assert.rejects(set('keep', 5), (e: { code?: string }) => e.code === 'AXBAD');
    await assert.rejects(set('retain', 5, 'ann', 'Nope'), (e: { code?: string }) => e.code === 'AXNEX');
    await assert.rejects(set('retain', 5, 'nobody', 'INBOX'), (e: { code?: string }) => e.code === 'AXNEX');
  });

  it('vacuum expunges what delete policies cover, unless a longer retain policy covers it too', async () => {
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    const keep = await makeMailbox(db.admin, ann, 'Keep');
    const sub = await makeMailbox(db.admin, ann, 'Keep/Sub');
    const keeper = await makeMailbox(db.admin, ann, 'Keeper');   // a name prefix, not a child
    const bobKeep = await makeMailbox(db.admin, bob, 'Keep');
    const three = [
      { subject: 'd10', date: daysAgo(10) }, { subject: 'd40', date: daysAgo(40) }, { subject: 'd200', date: daysAgo(200) },
    ];
    for (const b of [inbox, keep, sub, keeper, bobKeep]) await addMessages(db.admin, b, three);
    await set('delete', 30);
    await set('retain', 100, 'ann', 'Keep');
    const before = await count(db.admin, 'select nextmodseq from mail.mailboxes where id = $1', [inbox]);

    const r = (await db.admin.query('select * from admin.vacuum(49)')).rows[0];
    assert.equal(Number(r.policy_expunged), 2 + 1 + 1 + 2 + 2);
    assert.deepEqual(await subjects(inbox), ['d10']);
    assert.deepEqual(await subjects(keep), ['d10', 'd40']);
    assert.deepEqual(await subjects(sub), ['d10', 'd40']);
    assert.deepEqual(await subjects(keeper), ['d10']);
    assert.deepEqual(await subjects(bobKeep), ['d10']);

    // expunged the ordinary way: restorable rows with a reason and a new modseq, counters updated
    const rows = (await db.admin.query(`select uid, reason, modseq from mail.deleted_messages where mailbox = $1 order by uid`, [inbox])).rows;
    assert.deepEqual(rows.map((x) => [x.uid, x.reason]), [[2, 'retention policy'], [3, 'retention policy']]);
    assert.equal(Number(rows[0].modseq), before);
    assert.equal(await count(db.admin, 'select messages from mail.mailboxes where id = $1', [inbox]), 1);
    // nothing was purged yet: undelete-time still protects the expunged rows
    assert.equal(Number(r.deleted_purged), 0);
    assert.equal(Number(r.messages_purged), 0);

    // a second vacuum finds nothing new
    assert.equal(Number((await db.admin.query('select * from admin.vacuum(49)')).rows[0].policy_expunged), 0);
  });

  it('the shortest delete policy covering a mailbox applies; retain shorter than delete changes nothing', async () => {
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    const spam = await makeMailbox(db.admin, ann, 'Spam');
    const msgs = [{ subject: 'd5', date: daysAgo(5) }, { subject: 'd20', date: daysAgo(20) }, { subject: 'd400', date: daysAgo(400) }];
    await addMessages(db.admin, inbox, msgs);
    await addMessages(db.admin, spam, msgs);
    await set('delete', 365);
    await set('delete', 14, 'ann', 'Spam');
    await set('retain', 7, 'ann', 'Spam');
    await db.admin.query('select * from admin.vacuum(49)');
    assert.deepEqual(await subjects(inbox), ['d20', 'd5']);
    assert.deepEqual(await subjects(spam), ['d5']);
  });

  it('retain policies alone expunge nothing', async () => {
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [{ subject: 'old', date: daysAgo(5000) }]);
    await set('retain', 30);
    assert.equal(Number((await db.admin.query('select * from admin.vacuum(49)')).rows[0].policy_expunged), 0);
    assert.deepEqual(await subjects(inbox), ['old']);
  });

  it('counts what each policy currently covers', async () => {
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [{ subject: 'a', date: daysAgo(50) }, { subject: 'b', date: daysAgo(5) }]);
    await set('delete', 30, 'ann', 'INBOX');
    await set('retain', 1);
    const list = (await db.admin.query('select action, affected from admin.retention_list()')).rows;
    assert.deepEqual(list.map((x) => [x.action, Number(x.affected)]), [['retain', 2], ['delete', 1]]);
  });

  it('a policy with a search covers only the messages it matches; retain forever keeps them for good', async () => {
    const inbox = await makeMailbox(db.admin, ann, 'INBOX');
    await addMessages(db.admin, inbox, [
      { subject: 'invoice 1', from: 'billing@shop.example', date: daysAgo(400) },
      { subject: 'newsletter', from: 'news@shop.example', date: daysAgo(400) },
      { subject: 'contract', from: 'lawyer@firm.example', date: daysAgo(4000) },
      { subject: 'hello', from: 'friend@home.example', date: daysAgo(4000) },
    ]);
    await set('delete', 30, 'ann', 'INBOX', { op: 'from', text: 'SHOP.example' });
    await set('delete', 3650, 'ann', 'INBOX');
    await set('retain', null, null, null, { op: 'or', terms: [{ op: 'subject', text: 'invoice' }, { op: 'subject', text: 'contract' }] });
    const r = (await db.admin.query('select * from admin.vacuum(49)')).rows[0];
    assert.equal(Number(r.policy_expunged), 2);
    assert.deepEqual(await subjects(inbox), ['contract', 'invoice 1']);

    // the retained messages stay restorable after expunge: vacuum does not purge them
    await db.admin.query(`select admin.retention_remove(id) from mail.retention_policies where action = 'delete'`);
    await db.admin.query(
      `insert into mail.deleted_messages (mailbox, uid, message, modseq, internaldate, seen, answered, flagged, draft, keywords, reason, deleted_at)
       select mailbox, uid, message, modseq, internaldate, seen, answered, flagged, draft, keywords, 'expunged', now() - interval '100 days'
         from mail.mailbox_messages where mailbox = $1`, [inbox]);
    await db.admin.query(`delete from mail.mailbox_messages where mailbox = $1`, [inbox]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '100 days' where mailbox = $1`, [inbox]);
    const before = await count(db.admin, `select count(*) from mail.deleted_messages where mailbox = $1`, [inbox]);
    const v = (await db.admin.query('select * from admin.vacuum(49)')).rows[0];
    assert.equal(Number(v.deleted_purged), before - 2);   // the two expunged by policy earlier go; the retained stay
    assert.deepEqual((await db.admin.query(
      `select m.subject from mail.deleted_messages d join mail.messages m on m.id = d.message
        where d.mailbox = $1 order by m.subject`, [inbox])).rows.map((x) => x.subject), ['contract', 'invoice 1']);
  });

  it('one policy per action, scope and search; "all" is the unconditional one; bad searches are refused', async () => {
    await makeMailbox(db.admin, ann, 'INBOX');
    const a = (await set('delete', 30, 'ann', 'INBOX', { op: 'from', text: 'x' })).rows[0].id;
    const b = (await set('delete', 60, 'ann', 'INBOX', { op: 'from', text: 'x' })).rows[0].id;
    assert.equal(a, b);
    await set('delete', 90, 'ann', 'INBOX', { op: 'from', text: 'y' });
    await set('delete', 10, 'ann', 'INBOX', { op: 'all' });
    const list = (await db.admin.query('select action, days, selector from admin.retention_list()')).rows;
    assert.deepEqual(list.map((x) => [x.days, x.selector]),
      [[10, null], [60, { op: 'from', text: 'x' }], [90, { op: 'from', text: 'y' }]]);
    assert.equal((await set('delete', 0, 'ann', 'INBOX', { op: 'from', text: 'x' })).rows[0].id, null);
    assert.equal(await count(db.admin, 'select count(*) from mail.retention_policies'), 2);
    for (const bad of [{ op: 'reason', text: 'x' }, { op: 'colour' }, { op: 'since', date: 'soon' }, { op: 'and', terms: [] },
                       { op: 'from' }, { op: 'uid', set: 'nope' }]) {
      await assert.rejects(set('retain', 5, null, null, bad), (e: { code?: string }) => e.code === 'AXBAD', JSON.stringify(bad));
    }
    await assert.rejects(set('delete', null), (e: { code?: string }) => e.code === 'AXBAD');
  });

  it('lists the policies that apply to one mailbox: every-mailbox ones, its own and its parents\'', async () => {
    await makeMailbox(db.admin, ann, 'Lists');
    await makeMailbox(db.admin, ann, 'Lists/pg');
    await makeMailbox(db.admin, ann, 'Other');
    await set('retain', 100);
    await set('delete', 30, 'ann', 'Lists');
    await set('delete', 20, 'ann', 'Other');
    const of = async (name: string) => (await db.admin.query('select days from admin.retention_list($1, $2)', ['ann', name])).rows.map((x) => x.days);
    assert.deepEqual(await of('Lists/pg'), [100, 30]);
    assert.deepEqual(await of('Other'), [100, 20]);
    await assert.rejects(of('Nope'), (e: { code?: string }) => e.code === 'AXNEX');
  });
});
