// SORT (RFC 5256 §3, RFC 5957, RFC 5267 ESORT) and THREAD (RFC 5256 §4, REFS) through the real
// server, as raw transcripts.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap SORT and THREAD', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;

  const mail = (subject: string, from: string, date: string, id: string, extra: Record<string, string> = {}) =>
    message(subject, 'Hello.\r\n', { From: from, Date: date, 'Message-ID': `<${id}@test>`, ...extra });

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    await createUser(db.admin, 'alice', 'secret', 'alice@example.com', ['Threads', 'Empty']);
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    // UID 1 is expunged below, so sequence numbers are UID - 1
    const msgs: Array<[Buffer, string]> = [
      [mail('gone', 'x@x', 'Mon, 1 Jan 2024 00:00:00 +0000', 'gone'), '01-Jan-2024 00:00:00 +0000'],
      [mail('banana', 'Carl <carl@x>', 'Wed, 3 Jan 2024 10:00:00 +0000', 'b'), '05-Jan-2024 00:00:00 +0000'],
      [mail('Re: apple', 'Anna <anna@x>', 'Tue, 2 Jan 2024 10:00:00 +0000', 'a2'), '04-Jan-2024 00:00:00 +0000'],
      [mail('apple', 'bert@x', 'Mon, 1 Jan 2024 10:00:00 +0000', 'a1'), '03-Jan-2024 00:00:00 +0000'],
      [mail('cherry', 'dora@x', 'Thu, 4 Jan 2024 10:00:00 +0000', 'c'), '02-Jan-2024 00:00:00 +0000'],
    ];
    for (const [m, date] of msgs) assert.equal((await c.append('INBOX', m, { date })).status, 'OK');
    await c.exec('SELECT INBOX');
    await c.exec('STORE 1 +FLAGS (\\Deleted)');
    await c.exec('EXPUNGE');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises SORT, SORT=DISPLAY, ESORT and the THREAD algorithms', async () => {
    const cap = (await c.exec('CAPABILITY')).untagged[0];
    for (const x of ['SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'THREAD=REFS']) {
      assert.ok(cap.split(' ').includes(x), `${x} in ${cap}`);
    }
  });

  it('sorts by subject, date, arrival, from and display name, answering sequence numbers', async () => {
    const sort = async (cmd: string) => {
      const r = await c.exec(cmd);
      assert.equal(r.status, 'OK', r.line);
      assert.equal(r.untagged.length, 1, r.untagged.join('\n'));
      return r.untagged[0];
    };
    // UIDs 2..5 are MSNs 1..4: banana(1) Re: apple(2) apple(3) cherry(4)
    assert.equal(await sort('SORT (SUBJECT) UTF-8 ALL'), '* SORT 2 3 1 4');
    assert.equal(await sort('SORT (SUBJECT DATE) UTF-8 ALL'), '* SORT 3 2 1 4');
    assert.equal(await sort('SORT (REVERSE DATE) US-ASCII ALL'), '* SORT 4 1 2 3');
    assert.equal(await sort('SORT (ARRIVAL) UTF-8 ALL'), '* SORT 4 3 2 1');
    assert.equal(await sort('SORT (FROM) UTF-8 ALL'), '* SORT 2 3 1 4');
    assert.equal(await sort('SORT (DISPLAYFROM) UTF-8 ALL'), '* SORT 2 3 1 4');
    assert.equal(await sort('SORT (REVERSE SUBJECT REVERSE DATE) UTF-8 SINCE 1-Jan-2024'), '* SORT 4 1 2 3');
  });

  it('answers UIDs for UID SORT and applies the search criteria', async () => {
    assert.equal((await c.exec('UID SORT (SUBJECT) UTF-8 ALL')).untagged[0], '* SORT 3 4 2 5');
    assert.equal((await c.exec('UID SORT (DATE) UTF-8 SUBJECT apple')).untagged[0], '* SORT 4 3');
    assert.equal((await c.exec('SORT (DATE) UTF-8 2:3')).untagged[0], '* SORT 3 2');
    assert.equal((await c.exec('UID SORT (DATE) UTF-8 UID 1:3')).untagged[0], '* SORT 3 2');
    assert.equal((await c.exec('SORT (DATE) UTF-8 SUBJECT nothing')).untagged[0], '* SORT');
  });

  it('returns ESORT results (RFC 5267): MIN/MAX in sort order, ALL as an ordered set', async () => {
    const r = await c.exec('SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL');
    assert.equal(r.status, 'OK', r.line);
    assert.match(r.untagged[0], /^\* ESEARCH \(TAG "A\d+"\) MIN 2 MAX 4 COUNT 4 ALL 2:3,1,4$/);
    const u = await c.exec('UID SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT nothing');
    assert.match(u.untagged[0], /^\* ESEARCH \(TAG "A\d+"\) UID COUNT 0$/);
    assert.equal((await c.exec('SORT RETURN (SAVE) (SUBJECT) UTF-8 ALL')).status, 'BAD');
  });

  it('adds MODSEQ when the criteria use it (RFC 7162 §3.1.5)', async () => {
    const r = await c.exec('SORT (ARRIVAL) UTF-8 MODSEQ 1');
    assert.match(r.untagged[0], /^\* SORT 4 3 2 1 \(MODSEQ \d+\)$/);
  });

  it('refuses bad arguments', async () => {
    assert.equal((await c.exec('SORT (BOGUS) UTF-8 ALL')).status, 'BAD');
    assert.equal((await c.exec('SORT SUBJECT UTF-8 ALL')).status, 'BAD');
    assert.equal((await c.exec('SORT (SUBJECT) ALL')).status, 'BAD');
    const cs = await c.exec('SORT (SUBJECT) X-NO-SUCH-CHARSET ALL');
    assert.equal(cs.status, 'NO');
    assert.match(cs.line, /\[BADCHARSET/);
    assert.equal((await c.exec('THREAD BOGUS UTF-8 ALL')).status, 'BAD');
  });

  describe('THREAD', () => {
    let t: ImapClient;
    before(async () => {
      t = await ImapClient.connect(server.imapPort);
      await t.login('alice', 'secret');
      const msgs = [
        /* 1 */ mail('Plan', 'a@x', 'Mon, 1 Jan 2024 10:00:00 +0000', 'p'),
        /* 2 */ mail('Other', 'b@x', 'Mon, 1 Jan 2024 11:00:00 +0000', 'o'),
        /* 3 */ mail('Re: Plan', 'c@x', 'Mon, 1 Jan 2024 12:00:00 +0000', 'r1', { 'In-Reply-To': '<p@test>' }),
        /* 4 */ mail('Re: Plan', 'd@x', 'Mon, 1 Jan 2024 13:00:00 +0000', 'r2', { References: '<p@test> <r1@test>' }),
        /* 5 */ mail('Re: Plan', 'e@x', 'Mon, 1 Jan 2024 09:00:00 +0000', 'r3', { References: '<p@test>' }),
        /* 6 */ mail('plan', 'f@x', 'Tue, 2 Jan 2024 10:00:00 +0000', 'p2'),
        /* 7 */ mail('Re: Other', 'g@x', 'Wed, 3 Jan 2024 10:00:00 +0000', 'o2', { References: '<o@test>' }),
      ];
      for (const m of msgs) assert.equal((await t.append('Threads', m)).status, 'OK');
      await t.exec('SELECT Threads');
    });
    after(async () => { await t?.close(); });

    it('threads by REFERENCES, merging subjects and ordering by sent date', async () => {
      const r = await t.exec('THREAD REFERENCES UTF-8 ALL');
      assert.equal(r.status, 'OK', r.line);
      // 1 and 6 share the subject "plan" and are both originals: a dummy holds them
      assert.deepEqual(r.untagged, ['* THREAD ((1 (5)(3 4))(6))(2 7)']);
    });

    it('threads by REFS: no subject merging, threads ordered by their newest message', async () => {
      assert.deepEqual((await t.exec('THREAD REFS UTF-8 ALL')).untagged, ['* THREAD (1 (5)(3 4))(6)(2 7)']);
    });

    it('sorts a folder whose UIDs are its sequence numbers straight from the database\'s text', async () => {
      assert.deepEqual((await t.exec('SORT (DATE) UTF-8 ALL')).untagged, ['* SORT 5 1 2 3 4 6 7']);
      assert.deepEqual((await t.exec('SORT (REVERSE ARRIVAL) UTF-8 ALL')).untagged, ['* SORT 7 6 5 4 3 2 1']);
    });

    it('threads by ORDEREDSUBJECT', async () => {
      assert.deepEqual((await t.exec('THREAD ORDEREDSUBJECT UTF-8 ALL')).untagged, ['* THREAD (5 (1)(3)(4)(6))(2 7)']);
    });

    it('answers UIDs for UID THREAD, sequence numbers for THREAD', async () => {
      await t.exec('STORE 2 +FLAGS (\\Deleted)');
      await t.exec('EXPUNGE');
      assert.deepEqual((await t.exec('UID THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD ((1 (5)(3 4))(6))(7)']);
      assert.deepEqual((await t.exec('THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD ((1 (4)(2 3))(5))(6)']);
    });

    it('keeps the answer for the whole view in the order cache, serves it, and follows changes by others', async () => {
      const box = (await db.admin.query<{ id: number }>(`select id from mail.mailboxes where name = 'Threads'`)).rows[0].id;
      const kept = async () => (await db.admin.query<{ result: string }>(
        `select result from mail.order_cache where mailbox = $1 and request = 'THREAD REFERENCES'`, [box])).rows[0]?.result;
      assert.deepEqual((await t.exec('THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD ((1 (4)(2 3))(5))(6)']);
      // kept in UID form, whichever form was asked for
      assert.equal(await kept(), '((1 (5)(3 4))(6))(7)');
      // served from there: a marked entry comes back, mapped to sequence numbers for THREAD
      await db.admin.query(`update mail.order_cache set result = '(7 6)(5 4 3 1)' where mailbox = $1 and request = 'THREAD REFERENCES'`, [box]);
      assert.deepEqual((await t.exec('UID THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD (7 6)(5 4 3 1)']);
      assert.deepEqual((await t.exec('THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD (6 5)(4 3 2 1)']);
      // another session expunges 4 and delivers a reply to it: this session's view changes on NOOP
      const o = await ImapClient.connect(server.imapPort);
      try {
        await o.login('alice', 'secret');
        await o.exec('SELECT Threads');
        await o.exec('UID STORE 4 +FLAGS (\\Deleted)');
        await o.exec('EXPUNGE');
        assert.equal((await o.append('Threads', mail('Re: Plan', 'h@x', 'Thu, 4 Jan 2024 10:00:00 +0000', 'r4',
          { References: '<p@test> <r1@test> <r2@test>' }))).status, 'OK');
      } finally {
        await o.close();
      }
      await t.exec('NOOP');
      // UIDs 1 3 5 6 7 8 are MSNs 1..6; 8 hangs under the gone 4, which joins it to 3
      assert.deepEqual((await t.exec('UID THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD ((1 (5)(3 8))(6))(7)']);
      assert.deepEqual((await t.exec('THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD ((1 (3)(2 6))(4))(5)']);
      assert.equal(await kept(), '((1 (5)(3 8))(6))(7)');
      // SORT's orders are kept the same way
      assert.deepEqual((await t.exec('SORT (DATE) UTF-8 ALL')).untagged, ['* SORT 3 1 2 4 5 6']);
      await db.admin.query(`update mail.order_cache set result = '8 7 6 5 3 1' where mailbox = $1 and request = 'SORT DATE'`, [box]);
      assert.deepEqual((await t.exec('SORT (DATE) UTF-8 ALL')).untagged, ['* SORT 6 5 4 3 2 1']);
      assert.deepEqual((await t.exec('UID SORT (DATE) UTF-8 ALL')).untagged, ['* SORT 8 7 6 5 3 1']);
      assert.deepEqual((await t.exec('UID SORT (DATE) UTF-8 UNDELETED')).untagged, ['* SORT 5 1 3 6 7 8']);
    });

    it('applies search criteria and answers an empty THREAD', async () => {
      assert.deepEqual((await t.exec('UID THREAD REFERENCES UTF-8 FROM c@x')).untagged, ['* THREAD (3)']);
      assert.deepEqual((await t.exec('THREAD REFS UTF-8 SUBJECT nothing')).untagged, ['* THREAD']);
    });

    it('answers an empty mailbox and refuses THREAD without a selected mailbox', async () => {
      await t.exec('SELECT Empty');
      assert.deepEqual((await t.exec('THREAD REFERENCES UTF-8 ALL')).untagged, ['* THREAD']);
      assert.deepEqual((await t.exec('SORT (DATE) UTF-8 ALL')).untagged, ['* SORT']);
      await t.exec('UNSELECT');
      assert.equal((await t.exec('THREAD REFERENCES UTF-8 ALL')).status, 'BAD');
    });
  });
});
