// api.messages_sort (RFC 5256 §3, RFC 5957) and api.messages_thread_data (RFC 5256 §4), called as
// the frontend role on messages parsed by the real MIME library.
import assert from 'node:assert/strict';
import { placeJoiners } from '../../frontend/imap/sort-context.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { multirange } from '../../frontend/db/pool.ts';
import { formatThreads, threadColumns } from '../../frontend/imap/threading/index.ts';
import { threadColumnsOf, type ThreadDataRow } from '../../frontend/imap/commands/thread.ts';

interface Mail {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  date?: string | null;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  /** INTERNALDATE */
  arrival: string;
  body?: string;
}

function raw(m: Mail): Buffer {
  const h: string[] = [];
  if (m.from !== undefined) h.push(`From: ${m.from}`);
  if (m.to !== undefined) h.push(`To: ${m.to}`);
  if (m.cc !== undefined) h.push(`Cc: ${m.cc}`);
  if (m.subject !== undefined) h.push(`Subject: ${m.subject}`);
  if (m.date) h.push(`Date: ${m.date}`);
  if (m.messageId) h.push(`Message-ID: ${m.messageId}`);
  if (m.inReplyTo) h.push(`In-Reply-To: ${m.inReplyTo}`);
  if (m.references) h.push(`References: ${m.references}`);
  return Buffer.from(h.join('\r\n') + '\r\n\r\n' + (m.body ?? 'body\r\n'));
}

async function deliver(db: TestDatabase, mailbox: number, mails: Mail[]): Promise<number[]> {
  const raws = mails.map(raw);
  const metas = raws.map((r) => JSON.stringify(messageMeta(parseMessage(r))));
  const deliveries = mails.map((m, i) => ({ m: i + 1, b: mailbox, f: [], d: m.arrival }));
  const r = await db.api.query<{ uid: number }>('select uid from api.message_inject(null, $1, $2::jsonb[], $3, false)',
    [raws, metas, JSON.stringify(deliveries)]);
  return r.rows.map((x) => x.uid);
}

describe('sql: SORT and THREAD data', () => {
  let db: TestDatabase;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    db = await createTestDatabase();
    alice = await createUser(db.admin, 'alice');
    bob = await createUser(db.admin, 'bob');
    await deliver(db, alice.inbox, [
      /* 1 */ { from: 'Zed <zed@example.com>', to: 'b@x', subject: 'Re: banana', date: 'Mon, 3 Jan 2022 10:00:00 +0000', arrival: '2022-01-05T00:00:00Z', body: 'x'.repeat(300) },
      /* 2 */ { from: '"adam" <Adam@example.com>', to: 'a@x', cc: 'c@x', subject: 'apple', date: 'Mon, 3 Jan 2022 12:00:00 +0200', arrival: '2022-01-04T00:00:00Z' },
      /* 3 */ { from: 'bob@example.com', to: 'C@x', subject: '[list] Cherry', date: null, arrival: '2022-01-01T00:00:00Z', body: 'y'.repeat(100) },
      /* 4 */ { from: '_under@example.com', subject: 'APPLE', date: 'Mon, 3 Jan 2022 10:00:00 +0000', arrival: '2022-01-02T00:00:00Z' },
      /* 5 */ { from: 'Éva <eve@example.com>', to: '"Zoë" <z@x>', subject: 'Fwd: banana (fwd)', date: 'garbage date', arrival: '2022-01-03T00:00:00Z' },
    ]);
  });
  after(async () => { await db.drop(); });

  const sort = async (keys: string[], uids: string | null = null, search: object | null = null, user = alice) =>
    (await db.api.query<{ uids: string }>('select uids from api.messages_sort($1, $2, $3, $4, $5)',
      [user.id, alice.inbox, uids, keys, search === null ? null : JSON.stringify(search)])).rows
      .flatMap((r) => (r.uids === '' ? [] : r.uids.split(' ').map(Number)));

  it('sorts by ARRIVAL (INTERNALDATE) and REVERSE ARRIVAL', async () => {
    assert.deepEqual(await sort(['ARRIVAL']), [3, 4, 5, 2, 1]);
    assert.deepEqual(await sort(['REVERSE ARRIVAL']), [1, 2, 5, 4, 3]);
  });

  it('sorts by DATE in UTC, falling back to INTERNALDATE when Date is missing or unparsable (RFC 5256 §2.2)', async () => {
    // 2 is 10:00 UTC like 1 and 4; 3 has no Date (Jan 1), 5 an unparsable one (Jan 3 00:00)
    assert.deepEqual(await sort(['DATE']), [3, 5, 1, 2, 4]);
  });

  it('breaks ties by UID even under REVERSE (the implicit sequence-number key is never reversed)', async () => {
    assert.deepEqual(await sort(['REVERSE DATE']), [1, 2, 4, 5, 3]);
  });

  it('sorts by SIZE', async () => {
    const sizes = (await db.admin.query('select uid, size from mail.mailbox_messages where mailbox = $1', [alice.inbox])).rows;
    const expected = [...sizes].sort((a, b) => a.size - b.size || a.uid - b.uid).map((r) => r.uid);
    assert.deepEqual(await sort(['SIZE']), expected);
  });

  it('sorts by SUBJECT on the base subject with i;ascii-casemap', async () => {
    // apple(2), APPLE(4), banana(1), banana(5), Cherry(3)
    assert.deepEqual(await sort(['SUBJECT']), [2, 4, 1, 5, 3]);
    assert.deepEqual(await sort(['SUBJECT', 'REVERSE DATE']), [2, 4, 1, 5, 3]);
    assert.deepEqual(await sort(['SUBJECT', 'REVERSE ARRIVAL']), [2, 4, 1, 5, 3]);
    assert.deepEqual(await sort(['REVERSE SUBJECT', 'ARRIVAL']), [3, 5, 1, 4, 2]);
  });

  it('sorts by FROM on the first address\'s mailbox, upper-casing ASCII only ("_" after letters)', async () => {
    // adam, bob, eve, zed, _under ("_" is 0x5F, after "Z" = 0x5A)
    assert.deepEqual(await sort(['FROM']), [2, 3, 5, 1, 4]);
  });

  it('sorts by TO and CC, messages without the field first', async () => {
    assert.deepEqual(await sort(['TO']), [4, 2, 1, 3, 5]);
    assert.deepEqual(await sort(['CC', 'ARRIVAL']), [3, 4, 5, 1, 2]);
  });

  it('sorts by DISPLAYFROM and DISPLAYTO (RFC 5957)', async () => {
    // display names adam, zed, Éva; addr-specs _under@…, bob@…; "É" (0xC3…) sorts after ASCII
    assert.deepEqual(await sort(['DISPLAYFROM']), [2, 3, 1, 4, 5]);
    assert.deepEqual(await sort(['DISPLAYTO']), [4, 2, 1, 3, 5]);
  });

  it('combines keys in order', async () => {
    // Cherry; banana: 1 (long body) before 5; apple: 2 (more header fields) before 4
    assert.deepEqual(await sort(['REVERSE SUBJECT', 'REVERSE SIZE']), [3, 1, 5, 2, 4]);
    assert.deepEqual(await sort(['REVERSE SUBJECT', 'SIZE']), [3, 5, 1, 4, 2]);
    assert.deepEqual(await sort(['SUBJECT', 'REVERSE DATE']), [2, 4, 1, 5, 3]);
  });

  it('limits to a UID set and to a search program', async () => {
    assert.deepEqual(await sort(['ARRIVAL'], multirange([[2, 4]])), [3, 4, 2]);
    assert.deepEqual(await sort(['ARRIVAL'], null, { type: 'string', field: 'subject', value: 'banana' }), [5, 1]);
    assert.deepEqual(await sort(['ARRIVAL'], multirange([[1, 3]]), { type: 'string', field: 'subject', value: 'banana' }), [1]);
    assert.deepEqual(await sort(['ARRIVAL'], multirange([[100, 200]])), []);
  });

  it('returns the UIDs as one space-separated text with the highest modseq among them', async () => {
    const q = (uids: string | null) => db.api.query('select uids, modseq from api.messages_sort($1, $2, $3, $4)',
      [alice.id, alice.inbox, uids, ['ARRIVAL']]);
    const all = await q(null);
    assert.equal(all.rows.length, 1);
    assert.equal(all.rows[0].uids, '3 4 5 2 1');
    const top = await db.admin.query('select max(modseq) as m from mail.mailbox_messages where mailbox = $1', [alice.inbox]);
    assert.equal(Number(all.rows[0].modseq), Number(top.rows[0].m));
    await db.admin.query('update mail.mailbox_messages set modseq = modseq + 100 where mailbox = $1 and uid = 5', [alice.inbox]);
    assert.equal(Number((await q(multirange([[5, 5]]))).rows[0].modseq), Number(top.rows[0].m) + 100);
    assert.equal(Number((await q(null)).rows[0].modseq), Number(top.rows[0].m) + 100);
    assert.deepEqual((await q(multirange([[100, 200]]))).rows, [{ uids: '', modseq: null }]);
  });

  it('keeps the DATE and SUBJECT keys copied into the mailbox rows in step with the message', async () => {
    const copies = (await db.admin.query<{ id: number }>(`select mail.create_mailbox($1, 'Copies', null) as id`, [alice.id])).rows[0].id;
    await db.api.query('select * from api.messages_copy($1, $2, $3, $4, false, false)', [alice.id, alice.inbox, multirange([[1, 5]]), 'Copies']);
    const sortIn = async (box: number, key: string) => (await db.api.query<{ uids: string }>(
      'select uids from api.messages_sort($1, $2, null, $3)', [alice.id, box, [key]])).rows[0].uids;
    assert.equal(await sortIn(copies, 'SUBJECT'), await sortIn(alice.inbox, 'SUBJECT'));
    assert.equal(await sortIn(copies, 'DATE'), await sortIn(alice.inbox, 'DATE'));
    // a reparse that gives message 3 a new subject and date moves it in every mailbox holding it
    const id = (await db.admin.query<{ message: number }>('select message from mail.mailbox_messages where mailbox = $1 and uid = 3',
      [alice.inbox])).rows[0].message;
    const meta = messageMeta(parseMessage(raw({ from: 'bob@example.com', subject: 'Aardvark', date: 'Sat, 1 Jan 2000 00:00:00 +0000', arrival: '' })));
    await db.admin.query('select admin.messages_reparsed($1, $2::jsonb[])', [[id], [JSON.stringify(meta)]]);
    for (const box of [alice.inbox, copies]) {
      assert.equal((await sortIn(box, 'SUBJECT')).split(' ')[0], '3');
      assert.equal((await sortIn(box, 'DATE')).split(' ')[0], '3');
    }
    // and THREAD's narrow copy of the message's keys follows too
    const thread = await db.api.query('select uid, base_subject, sent_date from api.messages_thread_data($1, $2, $3)',
      [alice.id, copies, multirange([[3, 3]])]);
    assert.deepEqual(thread.rows.map((r) => [r.uid, r.base_subject, Number(r.sent_date)]), [[3, 'Aardvark', Date.parse('2000-01-01T00:00:00Z')]]);
    const sent = await db.api.query('select uids from api.messages_search($1, $2, $3)',
      [alice.id, copies, JSON.stringify({ type: 'sentdate', op: 'before', date: '2001-01-01' })]);
    assert.deepEqual(sent.rows, [{ uids: '3' }]);
  });

  it('refuses unknown keys and empty key lists (AXBAD), and never splices key text into SQL', async () => {
    await assert.rejects(sort(['BOGUS']), { code: 'AXBAD' });
    await assert.rejects(sort([]), { code: 'AXBAD' });
    await assert.rejects(sort(['DATE; drop table mail.users']), { code: 'AXBAD' });
    await assert.rejects(sort(['ARRIVAL desc, (select 1)']), { code: 'AXBAD' });
  });

  describe('PARTIAL pages (RFC 9394)', () => {
    const page = async (keys: string[], first: number, last: number, search: object | null = null) =>
      (await db.api.query<{ uid: number }>('select uid from api.messages_sort_page($1, $2, null, $3, $4, $5, $6)',
        [alice.id, alice.inbox, keys, search === null ? null : JSON.stringify(search), first, last])).rows.map((r) => r.uid);

    it('is the slice of the full order, from either end, for every key and direction (ties and nulls too)', async () => {
      // SUBJECT has a tie (apple/APPLE), DATE a missing and an unparsable date, CC and TO nulls
      const orders = [['ARRIVAL'], ['SUBJECT'], ['REVERSE SUBJECT'], ['DATE'], ['REVERSE DATE'], ['CC'], ['REVERSE TO'],
        ['SUBJECT', 'REVERSE ARRIVAL'], ['REVERSE DISPLAYFROM'], ['SIZE', 'REVERSE CC']];
      for (const keys of orders) {
        const all = await sort(keys);
        for (const [a, b] of [[1, 1], [1, 3], [2, 4], [4, 9], [6, 7]]) {
          assert.deepEqual(await page(keys, a, b), all.slice(a - 1, b), `${keys} ${a}:${b}`);
          // a page counted from the end comes back last-first
          const fromEnd = all.slice(Math.max(0, all.length - b), Math.max(0, all.length - a + 1)).reverse();
          assert.deepEqual(await page(keys, -a, -b), fromEnd, `${keys} -${a}:-${b}`);
        }
      }
    });

    it('pages only the matching messages, and refuses malformed ranges', async () => {
      const search = { type: 'string', field: 'subject', value: 'apple' };
      assert.deepEqual(await page(['ARRIVAL'], 1, 1, search), [4]);
      assert.deepEqual(await page(['ARRIVAL'], -1, -1, search), [2]);
      for (const [a, b] of [[0, 1], [1, -1], [3, 2], [-3, -2]]) {
        await assert.rejects(page(['ARRIVAL'], a, b), { code: 'AXBAD' }, `${a}:${b}`);
      }
    });

    it('search pages and summaries cut in the statement', async () => {
      const search = async (key: object, uids: string | null, first: number | null, last: number | null) =>
        (await db.api.query<{ lo: number; hi: number }>('select lo, hi from api.messages_search_page($1, $2, $3, $4, $5, $6)',
          [alice.id, alice.inbox, JSON.stringify(key), uids, first, last])).rows.map((r) => [r.lo, r.hi]);
      const all = { type: 'all' };
      assert.deepEqual(await search(all, null, null, null), [[1, 5]]);
      assert.deepEqual(await search(all, null, 2, 3), [[2, 3]]);
      assert.deepEqual(await search(all, null, -1, -2), [[4, 5]]);
      assert.deepEqual(await search(all, multirange([[1, 1], [3, 5]]), -3, -9), [[1, 1], [3, 3]]);
      assert.deepEqual(await search(all, multirange([[1, 1], [3, 5]]), 2, 9), [[3, 5]]);
      assert.deepEqual(await search({ type: 'not', key: all }, null, 1, 5), []);
      await assert.rejects(search(all, null, 2, 1), { code: 'AXBAD' });
      await assert.rejects(search(all, null, 1, null), { code: 'AXBAD' });
      const r = await db.api.query('select * from api.messages_search_summary($1, $2, $3, $4)',
        [alice.id, alice.inbox, JSON.stringify({ type: 'string', field: 'subject', value: 'banana' }), null]);
      assert.deepEqual([Number(r.rows[0].total), r.rows[0].min_uid, r.rows[0].max_uid], [2, 1, 5]);
      assert.ok(Number(r.rows[0].modseq) > 0);
      await assert.rejects(db.api.query('select * from api.messages_search_summary($1, $2, $3, null)',
        [bob.id, alice.inbox, JSON.stringify(all)]), { code: 'AXNEX' });
    });
  });

  it('returns a whole SEARCH as one text of UID runs with the highest modseq', async () => {
    const search = async (key: object) => (await db.api.query<{ uids: string; modseq: number | null }>(
      'select uids, modseq from api.messages_search($1, $2, $3)', [alice.id, alice.inbox, JSON.stringify(key)])).rows;
    const modseqs = (await db.admin.query<{ uid: number; modseq: string }>(
      'select uid, modseq from mail.mailbox_messages where mailbox = $1 order by uid', [alice.inbox])).rows;
    const highest = (uids: number[]) => Math.max(...modseqs.filter((m) => uids.includes(m.uid)).map((m) => Number(m.modseq)));
    assert.deepEqual(await search({ type: 'all' }), [{ uids: '1:5', modseq: highest([1, 2, 3, 4, 5]) }]);
    // apple (2), APPLE (4) and banana (1, 5): runs and single UIDs
    assert.deepEqual(await search({ type: 'or', left: { type: 'string', field: 'subject', value: 'apple' },
      right: { type: 'uids', set: multirange([[5, 5]]) } }), [{ uids: '2,4:5', modseq: highest([2, 4, 5]) }]);
    assert.deepEqual(await search({ type: 'not', key: { type: 'all' } }), [{ uids: '', modseq: null }]);
  });

  it('places messages joining a live sort where SORT puts them, by sampling rounds over api.messages_sort_among', async () => {
    // alice's five messages have ties (apple/APPLE), missing and unparsable dates, missing To/Cc
    const among = async (keys: string[], uids: readonly number[]) => {
      const view = multirange([...uids].sort((a, b) => a - b).map((u) => [u, u] as [number, number]));
      const r = await db.api.query<{ uids: string }>('select uids from api.messages_sort_among($1, $2, $3, $4, null)',
        [alice.id, alice.inbox, view, keys]);
      return r.rows[0].uids === '' ? [] : r.rows[0].uids.split(' ').map(Number);
    };
    const orders = [['SUBJECT'], ['REVERSE DATE'], ['CC'], ['REVERSE TO', 'SIZE'], ['DISPLAYFROM']];
    for (const keys of orders) {
      const full = await sort(keys);
      for (const joining of [[1], [2, 4], [5, 3, 1], [1, 2, 3, 4, 5]]) {
        const order = full.filter((u) => !joining.includes(u));
        // one sample per round: every round is a real sort of a joiner against one member
        const merged = await placeJoiners(order, joining, (uids) => among(keys, uids),
          { sortAllBelow: 0, joinersAtMost: 100, samples: 1 });
        assert.deepEqual(merged, full, `${keys} joining ${joining}`);
      }
    }
  });

  it('refuses a user without the r right', async () => {
    await assert.rejects(sort(['ARRIVAL'], null, null, bob), { code: 'AXNEX' });
    await db.admin.query(`insert into mail.permissions (mailbox, identifier, rights) values ($1, 'bob', 'l')`, [alice.inbox]);
    await assert.rejects(sort(['ARRIVAL'], null, null, bob), { code: 'AXPRM' });
    await db.admin.query(`update mail.permissions set rights = 'lr' where mailbox = $1 and identifier = 'bob'`, [alice.inbox]);
    assert.deepEqual(await sort(['ARRIVAL'], null, null, bob), [3, 4, 5, 2, 1]);
    await db.admin.query(`delete from mail.permissions where mailbox = $1`, [alice.inbox]);
  });

  describe('thread data', () => {
    let box: number;
    before(async () => {
      box = (await db.admin.query<{ id: number }>(`select mail.create_mailbox($1, 'Lists', null) as id`, [alice.id])).rows[0].id;
      await deliver(db, box, [
        /* 1 */ { subject: 'Plan', messageId: '<p@x>', date: 'Tue, 4 Jan 2022 09:00:00 +0000', arrival: '2022-01-04T09:00:00Z' },
        /* 2 */ { subject: 'Re: Plan', messageId: '<r1@x>', inReplyTo: '<p@x>', date: 'Tue, 4 Jan 2022 10:00:00 +0000', arrival: '2022-01-04T10:00:00Z' },
        /* 3 */ { subject: 'Re: Plan', messageId: '<r2@x>', references: '<p@x> <r1@x>', inReplyTo: '<ignored@x>', date: 'Tue, 4 Jan 2022 11:00:00 +0000', arrival: '2022-01-04T11:00:00Z' },
        /* 4 */ { subject: 'plan', date: null, arrival: '2022-01-05T00:00:00Z' },
        /* 5 */ { subject: 'Other', messageId: 'not an id', inReplyTo: 'junk <a@x> <b@x>', arrival: '2022-01-06T00:00:00Z' },
      ]);
    });

    const data = async (uids: string | null = null, search: object | null = null, alg = 'REFERENCES') =>
      (await db.api.query('select * from api.messages_thread_data($1, $2, $3, $4, $5)',
        [alice.id, box, uids, search === null ? null : JSON.stringify(search), alg])).rows;

    it('returns ids, references, base subject, the subject only when it differs, and the sent date in ms, in UID order', async () => {
      const rows = await data();
      assert.deepEqual(rows.map((r) => r.uid), [1, 2, 3, 4, 5]);
      assert.deepEqual({ ...rows[0], sent_date: Number(rows[0].sent_date) },
        { uid: 1, message_id: '<p@x>', refs: null, base_subject: 'Plan', subject: null, sent_date: Date.parse('2022-01-04T09:00:00Z') });
      // no References: the first In-Reply-To id
      assert.equal(rows[1].refs, '<p@x>');
      assert.equal(rows[1].subject, 'Re: Plan');
      // References wins over In-Reply-To
      assert.equal(rows[2].refs, '<p@x> <r1@x>');
      // no Date: INTERNALDATE
      assert.equal(Number(rows[3].sent_date), Date.parse('2022-01-05T00:00:00Z'));
      assert.equal(rows[3].message_id, null);
      // only the first In-Reply-To id, and only what is in angle brackets
      assert.equal(rows[4].refs, '<a@x>');
    });

    it('leaves out what ORDEREDSUBJECT and REFS do not use', async () => {
      const os = await data(null, null, 'ORDEREDSUBJECT');
      assert.ok(os.every((r) => r.message_id === null && r.refs === null && r.subject === null));
      const refs = await data(null, null, 'REFS');
      assert.ok(refs.every((r) => r.subject === null));
      assert.equal(refs[2].refs, '<p@x> <r1@x>');
      await assert.rejects(data(null, null, 'BOGUS'), { code: 'AXBAD' });
    });

    it('limits to a UID set and a search program', async () => {
      assert.deepEqual((await data(multirange([[2, 3], [5, 5]]))).map((r) => r.uid), [2, 3, 5]);
      assert.deepEqual((await data(null, { type: 'not', key: { type: 'string', field: 'subject', value: 'plan' } })).map((r) => r.uid), [5]);
    });

    it('feeds the threading module end to end', async () => {
      const rows = await data();
      // 4 ("plan", no references, not a reply) joins thread 1 by subject under a dummy
      assert.equal(formatThreads(threadColumns('REFERENCES', threadColumnsOf(rows as ThreadDataRow[]))), '((1 2 3)(4))(5)');
    });
  });
});

describe('sql: the order cache (mail.order_cache)', () => {
  let db: TestDatabase;
  let carol: TestUser;
  let dave: TestUser;

  before(async () => {
    db = await createTestDatabase();
    carol = await createUser(db.admin, 'carol');
    dave = await createUser(db.admin, 'dave');
    await deliver(db, carol.inbox, [
      { from: 'b@example.com', subject: 'two', date: 'Mon, 3 Jan 2022 10:00:00 +0000', arrival: '2022-01-05T00:00:00Z', messageId: '<a@x>' },
      { from: 'a@example.com', subject: 'one', date: 'Sun, 2 Jan 2022 10:00:00 +0000', arrival: '2022-01-04T00:00:00Z', messageId: '<b@x>', inReplyTo: '<a@x>' },
      { from: 'c@example.com', subject: 'three', date: 'Sat, 1 Jan 2022 10:00:00 +0000', arrival: '2022-01-03T00:00:00Z', messageId: '<c@x>' },
    ]);
  });
  after(async () => { await db.drop(); });

  const sort = async (keys: string[], uids: string | null = null, search: object | null = null) =>
    (await db.api.query<{ uids: string; modseq: string | null }>('select uids, modseq from api.messages_sort($1, $2, $3, $4, $5)',
      [carol.id, carol.inbox, uids, keys, search === null ? null : JSON.stringify(search)])).rows[0];
  const entries = async () => (await db.admin.query<{ request: string; result: string }>(
    'select request, result from mail.order_cache where mailbox = $1 order by request', [carol.inbox])).rows;
  // a marked entry tells a served-from-cache answer from a recomputed one
  const mark = (request: string, result: string) => db.admin.query(
    'update mail.order_cache set result = $3 where mailbox = $1 and request = $2', [carol.inbox, request, result]);

  it('keeps the order of a whole view, serves it while the view is the same, and recomputes for another view', async () => {
    assert.equal((await sort(['DATE'])).uids, '3 2 1');
    assert.deepEqual(await entries(), [{ request: 'SORT DATE', result: '3 2 1' }]);
    await mark('SORT DATE', '1 2 3');
    assert.deepEqual(await sort(['date']), { uids: '1 2 3', modseq: null });
    // another view of the mailbox (a session that has seen only 1 and 2) is computed and replaces it
    assert.equal((await sort(['DATE'], multirange([[1, 2]]))).uids, '2 1');
    assert.deepEqual(await entries(), [{ request: 'SORT DATE', result: '2 1' }]);
    assert.equal((await sort(['DATE'])).uids, '3 2 1');
    // keys are kept apart, REVERSE and all
    assert.equal((await sort(['REVERSE FROM', 'DATE'])).uids, '3 1 2');
    assert.deepEqual((await entries()).map((e) => e.request), ['SORT DATE', 'SORT REVERSE FROM,DATE']);
  });

  it('never serves an order after the mailbox changed: new mail, expunge, new UIDVALIDITY', async () => {
    await sort(['SUBJECT']);
    await mark('SORT SUBJECT', '9 9 9');
    await deliver(db, carol.inbox, [{ from: 'd@example.com', subject: 'four', date: 'Fri, 31 Dec 2021 10:00:00 +0000', arrival: '2022-01-06T00:00:00Z' }]);
    assert.equal((await sort(['SUBJECT'])).uids, '4 2 3 1');
    await mark('SORT SUBJECT', '9 9 9');
    await db.admin.query('update mail.mailbox_messages set deleted = true where mailbox = $1 and uid = 4', [carol.inbox]);
    await db.api.query('select * from api.messages_expunge($1, $2, null)', [carol.id, carol.inbox]);
    assert.equal((await sort(['SUBJECT'])).uids, '2 3 1');
    await mark('SORT SUBJECT', '9 9 9');
    await db.admin.query('update mail.mailboxes set uidvalidity = uidvalidity + 1 where id = $1', [carol.inbox]);
    assert.equal((await sort(['SUBJECT'])).uids, '2 3 1');
  });

  it('is not used for a search that selects less than the view, nor for RELEVANCY', async () => {
    await sort(['ARRIVAL']);
    await mark('SORT ARRIVAL', '9');
    const subject = { type: 'string', field: 'subject', value: 't' };
    assert.deepEqual(await sort(['ARRIVAL'], null, subject), { uids: '3 1', modseq: (await sort(['ARRIVAL'], null, subject)).modseq });
    assert.notEqual((await sort(['ARRIVAL'], null, subject)).modseq, null);
    assert.equal((await sort(['ARRIVAL'], null, { type: 'and', keys: [{ type: 'all' }, { type: 'all' }] })).uids, '9');
    assert.equal((await sort(['ARRIVAL'], null, { type: 'not', key: { type: 'all' } })).uids, '');
    assert.deepEqual((await entries()).find((e) => e.request === 'SORT ARRIVAL'), { request: 'SORT ARRIVAL', result: '9' });
  });

  it('sorts some UIDs for a live sort (api.messages_sort_among) as SORT does, without touching the cache', async () => {
    const among = async (keys: string[], uids: string | null, search: object | null = null, user = carol) =>
      (await db.api.query<{ uids: string }>('select uids from api.messages_sort_among($1, $2, $3, $4, $5)',
        [user.id, carol.inbox, uids, keys, search === null ? null : JSON.stringify(search)])).rows[0].uids;
    const cases: Array<[string[], string, string]> = [];
    for (const keys of [['SUBJECT'], ['REVERSE DATE'], ['FROM', 'ARRIVAL'], ['REVERSE SIZE']]) {
      for (const view of [multirange([[1, 3]]), multirange([[1, 1], [3, 3]]), multirange([[2, 2]])]) {
        cases.push([keys, view, (await sort(keys, view)).uids]);
      }
    }
    const all = (await sort(['ARRIVAL'], multirange([[1, 3]]))).uids;
    const before = await entries();
    for (const [keys, view, expected] of cases) assert.equal(await among(keys, view), expected, `${keys} ${view}`);
    // a UID that is not in the mailbox is left out; the search key applies too
    assert.equal(await among(['ARRIVAL'], multirange([[1, 3], [40, 41]])), all);
    assert.equal(await among(['ARRIVAL'], multirange([[1, 3]]), { type: 'string', field: 'subject', value: 't' }), '3 1');
    assert.deepEqual(await entries(), before);
    await assert.rejects(among(['ARRIVAL'], null), { code: 'AXBAD' });
    await assert.rejects(among(['ARRIVAL'], multirange([[1, 3]]), null, dave), { code: 'AXNEX' });
  });

  it('forgets a mailbox\'s orders when a reparse changes its messages\' keys', async () => {
    await sort(['SUBJECT']);
    assert.ok((await entries()).some((e) => e.request === 'SORT SUBJECT'));
    const id = (await db.admin.query<{ message: number }>('select message from mail.mailbox_messages where mailbox = $1 and uid = 2',
      [carol.inbox])).rows[0].message;
    const meta = messageMeta(parseMessage(raw({ from: 'a@example.com', subject: 'zzz', arrival: '' })));
    await db.admin.query('select admin.messages_reparsed($1, $2::jsonb[])', [[id], [JSON.stringify(meta)]]);
    assert.deepEqual(await entries(), []);
    assert.equal((await sort(['SUBJECT'])).uids, '3 1 2');
  });

  it('keeps THREAD answers per algorithm and view, only for searches of everything and from a reader', async () => {
    const view = multirange([[1, 3]]);
    const cached = async (alg: string, search: object | null = null, user = carol) => (await db.api.query<{ t: string | null }>(
      'select api.messages_thread_cached($1, $2, $3, $4, $5) as t', [user.id, carol.inbox, view, search && JSON.stringify(search), alg])).rows[0].t;
    const remember = (alg: string, lists: string, search: object | null = null, user = carol) => db.api.query(
      'select api.messages_thread_remember($1, $2, $3, $4, $5, $6)', [user.id, carol.inbox, view, search && JSON.stringify(search), alg, lists]);
    assert.equal(await cached('REFERENCES'), null);
    await remember('REFERENCES', '(1 2)(3)');
    assert.equal(await cached('references'), '(1 2)(3)');
    assert.equal(await cached('REFS'), null);
    await remember('REFS', '(3)(1 2)', { type: 'string', field: 'subject', value: 'x' });
    assert.equal(await cached('REFS'), null);
    assert.equal(await cached('REFERENCES', { type: 'flag', flag: '\\Seen' }), null);
    // only thread lists, only known algorithms, only with the r right
    await assert.rejects(remember('REFERENCES', "(1) ' or 1=1"), { code: 'AXBAD' });
    await assert.rejects(remember('BOGUS', '(1)'), { code: 'AXBAD' });
    await assert.rejects(remember('REFERENCES', '(1)', null, dave), { code: 'AXNEX' });
    await assert.rejects(cached('REFERENCES', null, dave), { code: 'AXNEX' });
  });
});
