import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { count, fakeMeta, makeMailbox, makeUser } from './retention-support.ts';

interface Item { raw: Buffer; date: Date; occ: number; flags?: string[]; problems?: string[] }

describe('sql: admin.messages_import and admin.messages_reparsed', () => {
  let db: TestDatabase;
  let ann: number;
  let inbox: number;
  beforeEach(async () => {
    db = await createTestDatabase();
    ann = await makeUser(db.admin, 'ann');
    inbox = await makeMailbox(db.admin, ann, 'INBOX');
  });
  afterEach(async () => { await db.drop(); });

  const d1 = new Date('2002-08-22T12:36:23Z');
  const d2 = new Date('2002-08-23T12:36:23Z');
  const a = Buffer.from('Subject: a\n\nA\n');
  const b = Buffer.from('Subject: b\n\nB\n');

  const importBatch = async (items: Item[], mailbox = inbox) =>
    (await db.admin.query<{ idx: number; uid: number }>(
      'select * from admin.messages_import($1, $2, $3::jsonb[], $4::jsonb, $5, $6)',
      [mailbox, items.map((i) => i.raw), items.map((i) => JSON.stringify(fakeMeta(i.raw, { problems: i.problems }))),
       JSON.stringify(items.map((i) => i.flags ?? [])), items.map((i) => i.date), items.map((i) => i.occ)])).rows;
  const present = async (items: Item[]) =>
    (await db.admin.query<{ idx: number }>('select * from admin.messages_import_present($1, $2, $3, $4)',
      [inbox, items.map((i) => createHash('sha256').update(i.raw).digest()), items.map((i) => i.date),
       items.map((i) => i.occ)])).rows.map((r) => r.idx);

  it('refreshes the statistics of the message tables and the word index\'s arrays once the tables have doubled', async () => {
    const analyzed = async () => (await db.admin.query<{ relname: string; last_analyze: Date | null }>(
      `select relname, last_analyze from pg_stat_user_tables
        where schemaname = 'mail' and relname in ('messages', 'mailbox_messages', 'message_words') order by relname`)).rows;
    const batch = (from: number, n: number): Item[] => Array.from({ length: n }, (_, i) =>
      ({ raw: Buffer.from(`Subject: m${from + i}\n\nword${from + i} people\n`), date: d1, occ: 1 }));
    // one session, as aox import uses: 1,100 messages, more than twice the 500 rows a new table's
    // statistics are taken to describe
    const client = await db.admin.connect();
    try {
      const store = (items: Item[]) => client.query('select * from admin.messages_import($1, $2, $3::jsonb[], $4::jsonb, $5, $6)',
        [inbox, items.map((i) => i.raw), items.map((i) => JSON.stringify(fakeMeta(i.raw, { body: i.raw.toString() }))),
         JSON.stringify(items.map(() => [])), items.map((i) => i.date), items.map((i) => i.occ)]);
      for (let k = 0; k < 11; k++) await store(batch(k * 100, 100));
      assert.ok((await analyzed()).every((r) => r.last_analyze === null));
      // a session's row counts reach the shared statistics when it next reports them (at most
      // every 10 s when idle); made to report now, the next batch sees the tables have doubled
      await client.query('select pg_stat_force_next_flush()');
      await store(batch(1100, 1));
    } finally {
      client.release();
    }
    const after = await analyzed();
    assert.deepEqual(after.map((r) => [r.relname, r.last_analyze !== null]),
      [['mailbox_messages', true], ['message_words', true], ['messages', true]]);
    const mcv = await db.admin.query(`select attname from pg_stats where schemaname = 'mail' and tablename = 'message_words'
      and most_common_elems is not null order by attname`);
    assert.deepEqual(mcv.rows.map((r) => r.attname), ['body_words', 'header_words']);
  });

  it('stores a batch with flags and internal dates, UIDs in input order', async () => {
    const rows = await importBatch([
      { raw: a, date: d1, occ: 1, flags: ['\\Seen', '\\Answered', 'Junk'] },
      { raw: b, date: d2, occ: 1, flags: [] },
    ]);
    assert.deepEqual(rows, [{ idx: 1, uid: 1 }, { idx: 2, uid: 2 }]);
    const stored = (await db.admin.query(
      `select mm.uid, mm.internaldate, mail.flag_list(seen, answered, flagged, deleted, draft, keywords) as flags, m.raw
         from mail.mailbox_messages mm join mail.messages m on m.id = mm.message order by uid`)).rows;
    assert.deepEqual(stored.map((r) => [r.uid, r.internaldate.toISOString(), r.flags, r.raw.toString()]), [
      [1, d1.toISOString(), ['\\Seen', '\\Answered', 'Junk'], a.toString()],
      [2, d2.toISOString(), [], b.toString()],
    ]);
  });

  it('is idempotent per mailbox: the n-th occurrence of (bytes, date) is skipped when n copies are there', async () => {
    // "a" legitimately occurs twice in the source, "a" with another date is a different message
    const run: Item[] = [
      { raw: a, date: d1, occ: 1 }, { raw: b, date: d1, occ: 1 }, { raw: a, date: d1, occ: 2 }, { raw: a, date: d2, occ: 1 },
    ];
    // interrupted after the first two
    assert.deepEqual((await importBatch(run.slice(0, 2))).map((r) => r.idx), [1, 2]);
    assert.deepEqual(await present(run), [1, 2]);
    // resumed: the whole run again adds the missing two only
    assert.deepEqual(await importBatch(run), [{ idx: 3, uid: 3 }, { idx: 4, uid: 4 }]);
    assert.deepEqual(await present(run), [1, 2, 3, 4]);
    assert.deepEqual(await importBatch(run), []);
    assert.equal(await count(db.admin, 'select count(*) from mail.mailbox_messages'), 4);
    assert.equal(await count(db.admin, 'select count(*) from mail.messages'), 2);
    // another mailbox gets its own copies, sharing the stored bodies
    const other = await makeMailbox(db.admin, ann, 'Other');
    assert.equal((await importBatch(run, other)).length, 4);
    assert.equal(await count(db.admin, 'select count(*) from mail.messages'), 2);
  });

  it('refuses a missing mailbox and arrays of different lengths', async () => {
    await assert.rejects(importBatch([{ raw: a, date: d1, occ: 1 }], 999999), (e: { code?: string }) => e.code === 'AXNEX');
    await assert.rejects(db.admin.query('select * from admin.messages_import($1, $2, $3::jsonb[], $4::jsonb, $5, $6)',
      [inbox, [a], [], '[]', [d1], [1]]), (e: { code?: string }) => e.code === 'AXBAD');
  });

  it('finds mailboxes by owner and name, creating them on request', async () => {
    const find = (owner: string, name: string, create = false) =>
      db.admin.query<{ id: number }>('select admin.import_mailbox($1, $2, $3) as id', [owner, name, create]);
    assert.equal((await find('ann', 'INBOX')).rows[0].id, inbox);
    assert.equal((await find('ANN', 'inbox')).rows[0].id, inbox);
    await assert.rejects(find('ann', 'Archive/2002'), (e: { code?: string }) => e.code === 'AXNEX');
    await assert.rejects(find('zed', 'INBOX'), (e: { code?: string }) => e.code === 'AXNEX');
    const made = (await find('ann', 'Archive/2002', true)).rows[0].id;
    assert.equal((await find('ann', 'Archive/2002', true)).rows[0].id, made);
    assert.equal(await count(db.admin, `select count(*) from mail.mailboxes where name = 'Archive'`), 1);
    assert.ok((await find('ann', 'Archive')).rows[0].id > 0);  // the parent made on the way
  });

  it('lists messages with problems and replaces their parsed view, never their bytes', async () => {
    await importBatch([
      { raw: a, date: d1, occ: 1, problems: ['bad date'] },
      { raw: b, date: d1, occ: 1 },
    ]);
    const todo = (await db.admin.query('select * from admin.messages_needing_reparse(0, 10)')).rows;
    assert.equal(todo.length, 1);
    assert.deepEqual(todo[0].problems, ['bad date']);
    assert.equal(todo[0].raw.toString(), a.toString());
    assert.equal(await count(db.admin, 'select admin.messages_reparse_count()'), 1);
    assert.equal(await count(db.admin, 'select admin.messages_reparse_count(true)'), 2);
    const meta = { ...fakeMeta(a, { subject: 'fixed' }), problems: [] };
    assert.equal(await count(db.admin, 'select admin.messages_reparsed($1, $2::jsonb[])', [[todo[0].id], [JSON.stringify(meta)]]), 1);
    const row = (await db.admin.query('select subject, problems, raw, hash = public.digest(raw, $2) as same from mail.messages where id = $1',
      [todo[0].id, 'sha256'])).rows[0];
    assert.deepEqual([row.subject, row.problems, row.raw.toString(), row.same], ['fixed', [], a.toString(), true]);
    assert.deepEqual((await db.admin.query('select * from admin.messages_needing_reparse(0, 10)')).rows, []);
    // paging by id
    const all = (await db.admin.query('select id from admin.messages_needing_reparse(0, 1, true)')).rows;
    assert.equal(all.length, 1);
    const next = (await db.admin.query('select id from admin.messages_needing_reparse($1, 10, true)', [all[0].id])).rows;
    assert.equal(next.length, 1);
  });
});
