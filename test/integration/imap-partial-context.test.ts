// PARTIAL (RFC 9394): paged ESEARCH/ESORT results and UID FETCH's PARTIAL modifier; and
// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): RETURN (UPDATE) with ADDTO/REMOVEFROM as the
// mailbox changes (positions in sort order for a sort), CANCELUPDATE and NOUPDATE. Raw transcripts
// against the real server.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

/** The untagged lines of a result that start with `* ESEARCH`. */
const esearch = (r: { untagged: string[] }) => r.untagged.filter((u) => u.startsWith('* ESEARCH'));

describe('imap PARTIAL, CONTEXT=SEARCH and CONTEXT=SORT', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let other: ImapClient;

  const ok = async (client: ImapClient, command: string) => {
    const r = await client.exec(command);
    assert.equal(r.status, 'OK', `${command}: ${r.line}`);
    return r;
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    other = await ImapClient.connect(server.imapPort);
    await other.login('alice', 'secret');
    // ten messages, subjects in reverse arrival order (j, i, … a), even UIDs flagged
    for (let i = 1; i <= 10; i++) {
      await c.append('INBOX', message(`subject ${String.fromCharCode(107 - i)}`),
        { flags: i % 2 === 0 ? '\\Flagged' : '', date: `${String(i).padStart(2, '0')}-Jan-2020 12:00:00 +0000` });
    }
    await ok(c, 'SELECT INBOX');
    await ok(other, 'SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await other?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises PARTIAL, CONTEXT=SEARCH and CONTEXT=SORT', async () => {
    const r = await ok(c, 'CAPABILITY');
    const caps = r.untagged[0].split(' ');
    assert.ok(caps.includes('PARTIAL') && caps.includes('CONTEXT=SEARCH') && caps.includes('CONTEXT=SORT'), r.untagged[0]);
  });

  describe('SEARCH RETURN (PARTIAL)', () => {
    it('pages from the start and from the end, in UIDs and MSNs', async () => {
      let r = await ok(c, 'UID SEARCH RETURN (PARTIAL 2:3) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (2:3 4,6)`]);
      r = await ok(c, 'UID SEARCH RETURN (PARTIAL -1:-2) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (-1:-2 8,10)`]);
      // either order is the same range (RFC 9394 §4)
      r = await ok(c, 'UID SEARCH RETURN (PARTIAL -3:-2) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (-2:-3 6,8)`]);
      r = await ok(c, 'SEARCH RETURN (PARTIAL 1:4) ALL');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") PARTIAL (1:4 1:4)`]);
    });

    it('returns what exists of a range that runs past the result, NIL for none of it', async () => {
      let r = await ok(c, 'UID SEARCH RETURN (PARTIAL 4:100) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (4:100 8,10)`]);
      r = await ok(c, 'UID SEARCH RETURN (PARTIAL 6:9) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (6:9 NIL)`]);
      r = await ok(c, 'UID SEARCH RETURN (PARTIAL -6:-9) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (-6:-9 NIL)`]);
      r = await ok(c, 'UID SEARCH RETURN (PARTIAL 1:5) KEYWORD nothere');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (1:5 NIL)`]);
    });

    it('MIN, MAX and COUNT describe the whole result next to the page', async () => {
      const r = await ok(c, 'UID SEARCH RETURN (MIN MAX COUNT PARTIAL 2:2) FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID MIN 2 MAX 10 COUNT 5 PARTIAL (2:2 4)`]);
    });

    it('SAVE keeps the page, or everything with COUNT (RFC 9394 §3.2)', async () => {
      await ok(c, 'UID SEARCH RETURN (SAVE PARTIAL -1:-2) FLAGGED');
      let r = await ok(c, 'UID SEARCH UID $');
      assert.deepEqual(r.untagged, ['* SEARCH 8 10']);
      await ok(c, 'UID SEARCH RETURN (SAVE MIN PARTIAL -1:-1) FLAGGED');
      r = await ok(c, 'UID SEARCH UID $');
      assert.deepEqual(r.untagged, ['* SEARCH 2 10']);
      await ok(c, 'UID SEARCH RETURN (SAVE COUNT PARTIAL 1:1) FLAGGED');
      r = await ok(c, 'UID SEARCH UID $');
      assert.deepEqual(r.untagged, ['* SEARCH 2 4 6 8 10']);
    });

    it('refuses malformed ranges and PARTIAL with ALL', async () => {
      for (const bad of ['PARTIAL 1:*', 'PARTIAL 0:3', 'PARTIAL -1:3', 'PARTIAL 1', 'ALL PARTIAL 1:3', 'ALL ALL']) {
        const r = await c.exec(`UID SEARCH RETURN (${bad}) ALL`);
        assert.equal(r.status, 'BAD', bad);
      }
    });
  });

  describe('SORT RETURN (PARTIAL)', () => {
    it('pages in sort order, from the start and from the end', async () => {
      // subjects: uid 1 "j" … uid 10 "a", so SUBJECT order is 10, 9, … 1
      let r = await ok(c, 'UID SORT RETURN (PARTIAL 1:3) (SUBJECT) UTF-8 ALL');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (1:3 10,9,8)`]);
      r = await ok(c, 'UID SORT RETURN (PARTIAL -1:-3) (SUBJECT) UTF-8 ALL');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (-1:-3 3,2,1)`]);
      r = await ok(c, 'UID SORT RETURN (PARTIAL -1:-2) (REVERSE SUBJECT) UTF-8 FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (-1:-2 8,10)`]);
      r = await ok(c, 'SORT RETURN (MIN MAX COUNT PARTIAL 2:3) (SUBJECT) UTF-8 FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") MIN 10 MAX 2 COUNT 5 PARTIAL (2:3 8,6)`]);
      r = await ok(c, 'UID SORT RETURN (PARTIAL 6:7) (ARRIVAL) UTF-8 FLAGGED');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${r.tag}") UID PARTIAL (6:7 NIL)`]);
    });

    it('refuses SAVE and bad ranges', async () => {
      assert.equal((await c.exec('SORT RETURN (SAVE) (ARRIVAL) UTF-8 ALL')).status, 'BAD');
      assert.equal((await c.exec('SORT RETURN (PARTIAL 1:*) (ARRIVAL) UTF-8 ALL')).status, 'BAD');
    });
  });

  describe('UID FETCH (PARTIAL)', () => {
    const fetched = (r: { untagged: string[] }) =>
      r.untagged.filter((u) => / FETCH /.test(u)).map((u) => Number(/UID (\d+)/.exec(u)?.[1]));

    it('returns only the messages at the range of the set', async () => {
      assert.deepEqual(fetched(await ok(c, 'UID FETCH 1:* (FLAGS) (PARTIAL -1:-3)')), [8, 9, 10]);
      assert.deepEqual(fetched(await ok(c, 'UID FETCH 3:* (FLAGS) (PARTIAL 2:3)')), [4, 5]);
      assert.deepEqual(fetched(await ok(c, 'UID FETCH 2,4,6,8 (FLAGS) (PARTIAL 4:9)')), [8]);
      assert.deepEqual(fetched(await ok(c, 'UID FETCH 1:* (FLAGS) (PARTIAL 11:20)')), []);
    });

    it('with CHANGEDSINCE counts only the changed messages', async () => {
      const r = await ok(c, 'UID FETCH 1:* (MODSEQ)');
      const highest = Math.max(...r.untagged.map((u) => Number(/MODSEQ \((\d+)\)/.exec(u)?.[1] ?? 0)));
      await ok(other, 'UID STORE 3,5,7 +FLAGS (x1)');
      // take the unsolicited FETCHes of that change first, so only the command's own remain
      await ok(c, 'NOOP');
      const got = await ok(c, `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest} PARTIAL -1:-2)`);
      assert.deepEqual(fetched(got), [5, 7]);
      const first = await ok(c, `UID FETCH 1:* (FLAGS) (PARTIAL 1:1 CHANGEDSINCE ${highest})`);
      assert.deepEqual(fetched(first), [3]);
      await ok(other, 'UID STORE 3,5,7 -FLAGS (x1)');
      await ok(c, 'NOOP');
    });

    it('is for UID FETCH only, and needs a valid range', async () => {
      assert.equal((await c.exec('FETCH 1:* (FLAGS) (PARTIAL 1:2)')).status, 'BAD');
      assert.equal((await c.exec('UID FETCH 1:* (FLAGS) (PARTIAL 1:*)')).status, 'BAD');
    });
  });

  describe('SEARCH RETURN (UPDATE)', () => {
    it('tells of messages joining and leaving a UID result, by other sessions and by itself', async () => {
      await ok(c, 'UID STORE 1:* -FLAGS (\\Answered)');
      const start = await ok(c, 'UID SEARCH RETURN (UPDATE ALL) ANSWERED');
      const tag = start.tag;
      assert.deepEqual(esearch(start), [`* ESEARCH (TAG "${tag}") UID`]);
      await ok(other, 'UID STORE 3,4 +FLAGS (\\Answered)');
      let r = await ok(c, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID ADDTO (0 3:4)`]);
      // the session's own STORE too; a message that stays in the result is not mentioned
      r = await ok(c, 'UID STORE 3,5 FLAGS (\\Answered \\Seen)');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID ADDTO (0 5)`]);
      r = await ok(c, 'UID STORE 4 -FLAGS (\\Answered)');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID REMOVEFROM (0 4)`]);
      // a flag change that does not touch the criteria says nothing
      r = await ok(c, 'UID STORE 3 +FLAGS (\\Draft)');
      assert.deepEqual(esearch(r), []);
      await ok(c, 'CANCELUPDATE "' + tag + '"');
      r = await ok(c, 'UID STORE 6 +FLAGS (\\Answered)');
      assert.deepEqual(esearch(r), []);
      await ok(c, 'UID STORE 1:* -FLAGS (\\Answered \\Draft \\Seen)');
    });

    it('adds new messages after EXISTS and removes expunged ones before their EXPUNGE', async () => {
      const start = await ok(c, 'SEARCH RETURN (UPDATE COUNT) KEYWORD hot');
      const tag = start.tag;
      assert.deepEqual(esearch(start), [`* ESEARCH (TAG "${tag}") COUNT 0`]);
      await ok(other, 'APPEND INBOX (hot) {5+}\r\nHi.\r\n');
      let r = await ok(c, 'NOOP');
      // \Recent may have gone to the appending session; it is not what this test is about
      assert.deepEqual(r.untagged.filter((u) => !u.endsWith(' RECENT')), ['* 11 EXISTS', `* ESEARCH (TAG "${tag}") ADDTO (0 11)`]);
      await ok(other, 'STORE 9 +FLAGS (hot \\Deleted)');
      await ok(other, 'STORE 10 +FLAGS (\\Deleted)');
      r = await ok(c, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") ADDTO (0 9)`]);
      await ok(other, 'EXPUNGE');
      // no EXPUNGE, and so no REMOVEFROM for it, while a command uses sequence numbers
      r = await ok(c, 'FETCH 1 (FLAGS)');
      assert.ok(!r.untagged.some((u) => /EXPUNGE|ESEARCH/.test(u)), r.untagged.join('\n'));
      r = await ok(c, 'NOOP');
      // each MSN removal right before that message's EXPUNGE, in the numbers the client has then
      assert.deepEqual(r.untagged, [`* ESEARCH (TAG "${tag}") REMOVEFROM (0 9)`, '* 9 EXPUNGE', '* 9 EXPUNGE']);
      r = await ok(c, 'SEARCH KEYWORD hot');
      assert.deepEqual(r.untagged, ['* SEARCH 9']);
      await ok(c, `CANCELUPDATE "${tag}"`);
    });

    it('reports a UID result\'s expunged messages with VANISHED under QRESYNC, and during IDLE', async () => {
      const q = await ImapClient.connect(server.imapPort);
      try {
        await q.login('alice', 'secret');
        await ok(q, 'ENABLE QRESYNC');
        await ok(q, 'SELECT INBOX');
        const start = await ok(q, 'UID SEARCH RETURN (UPDATE) KEYWORD hot');
        const tag = start.tag;
        q.write('I1 IDLE\r\n');
        await q.waitFor(/^\+ /);
        await ok(other, 'APPEND INBOX (hot) {5+}\r\nHo.\r\n');
        const added = await q.waitFor(/ESEARCH/);
        assert.match(added.unit.text, new RegExp(`^\\* ESEARCH \\(TAG "${tag}"\\) UID ADDTO \\(0 12\\)$`));
        await ok(other, 'UID STORE 11 +FLAGS (\\Deleted)');
        await ok(other, 'UID EXPUNGE 11');
        const removed = await q.waitFor(/ESEARCH/);
        assert.equal(removed.unit.text, `* ESEARCH (TAG "${tag}") UID REMOVEFROM (0 11)`);
        // the \Deleted change may be told in between (11 still exists to the client until VANISHED)
        let vanished = await q.next();
        while (/^\* \d+ FETCH \(UID 11 FLAGS /.test(vanished.text)) vanished = await q.next();
        assert.equal(vanished.text, '* VANISHED 11');
        q.write('DONE\r\n');
        assert.equal((await q.result('I1')).status, 'OK');
      } finally {
        await q.close();
      }
      await ok(c, 'NOOP');
    });

    it('CANCELUPDATE of a tag that is not live is a NO; results end with the selection', async () => {
      assert.equal((await c.exec('CANCELUPDATE "nosuch"')).status, 'NO');
      assert.equal((await c.exec('CANCELUPDATE')).status, 'BAD');
      const start = await ok(c, 'UID SEARCH RETURN (UPDATE) ALL');
      await ok(c, 'SELECT INBOX');
      assert.equal((await c.exec(`CANCELUPDATE "${start.tag}"`)).status, 'NO');
    });

    it('refuses UPDATE under the tag of a live search (RFC 5267 §4.3), not a plain search', async () => {
      c.write('T1 UID SEARCH RETURN (UPDATE) FLAGGED\r\n');
      assert.equal((await c.result('T1')).status, 'OK');
      c.write('T1 UID SEARCH RETURN (UPDATE) ALL\r\n');
      assert.equal((await c.result('T1')).status, 'BAD');
      c.write('T1 UID SEARCH RETURN (COUNT) ALL\r\n');
      assert.equal((await c.result('T1')).status, 'OK');
      await ok(c, 'CANCELUPDATE "T1"');
    });

    it('refuses more live searches than the limit with NOUPDATE, and still answers the search', async () => {
      const tags: string[] = [];
      for (let i = 0; i < 8; i++) tags.push((await ok(c, 'UID SEARCH RETURN (UPDATE) FLAGGED')).tag);
      const r = await ok(c, 'UID SEARCH RETURN (UPDATE COUNT) FLAGGED');
      assert.deepEqual(r.untagged, [`* ESEARCH (TAG "${r.tag}") UID COUNT 4`,
        `* NO [NOUPDATE "${r.tag}"] Too many searches kept up to date; this one is not`]);
      await ok(c, `CANCELUPDATE ${tags.map((t) => `"${t}"`).join(' ')}`);
      const again = await ok(c, 'UID SEARCH RETURN (UPDATE) FLAGGED');
      assert.ok(!again.untagged.some((u) => u.includes('NOUPDATE')));
      await ok(c, `CANCELUPDATE "${again.tag}"`);
    });
  });

  describe('SORT RETURN (UPDATE) (CONTEXT=SORT)', () => {
    let s1: ImapClient;
    let s2: ImapClient;
    before(async () => {
      await ok(c, 'CREATE Sorted');
      // subjects by UID: 1 d, 2 b, 3 f, 4 a, 5 e, 6 c; SUBJECT order 4 2 6 1 5 3
      for (const subject of ['d', 'b', 'f', 'a', 'e', 'c']) await c.append('Sorted', message(`subject ${subject}`));
      s1 = await ImapClient.connect(server.imapPort);
      await s1.login('alice', 'secret');
      await ok(s1, 'SELECT Sorted');
      s2 = await ImapClient.connect(server.imapPort);
      await s2.login('alice', 'secret');
      await ok(s2, 'SELECT Sorted');
    });
    after(async () => {
      await s1?.close();
      await s2?.close();
    });

    it('says where messages join and leave a UID result in sort order, as flags change', async () => {
      const start = await ok(s1, 'UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 FLAGGED');
      const tag = start.tag;
      assert.deepEqual(esearch(start), [`* ESEARCH (TAG "${tag}") UID`]);
      await ok(s2, 'UID STORE 1,5 +FLAGS (\\Flagged)');
      let r = await ok(s1, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID ADDTO (1 1,5)`]);
      // a before everything, f after everything: two pairs, the second counted with the first in
      await ok(s2, 'UID STORE 3,4 +FLAGS (\\Flagged)');
      r = await ok(s1, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID ADDTO (1 4 4 3)`]);
      // the result is now 4 1 5 3 (a d e f)
      await ok(s2, 'UID STORE 1 -FLAGS (\\Flagged)');
      r = await ok(s1, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID REMOVEFROM (2 1)`]);
      // one leaves and one joins in the same look: removals first, the addition counted without them
      await ok(s2, 'UID STORE 5 -FLAGS (\\Flagged)');
      await ok(s2, 'UID STORE 6 +FLAGS (\\Flagged)');
      r = await ok(s1, 'NOOP');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID REMOVEFROM (2 5) ADDTO (2 6)`]);
      // the session's own STORE too, and an expunge leaves from its position (4 6 3: a c f)
      r = await ok(s1, 'UID STORE 2 +FLAGS (\\Flagged)');
      assert.deepEqual(esearch(r), [`* ESEARCH (TAG "${tag}") UID ADDTO (2 2)`]);
      await ok(s2, 'UID STORE 6 +FLAGS (\\Deleted)');
      await ok(s2, 'UID EXPUNGE 6');
      r = await ok(s1, 'NOOP');
      assert.deepEqual(r.untagged.filter((u) => /ESEARCH|EXPUNGE/.test(u)), [`* ESEARCH (TAG "${tag}") UID REMOVEFROM (3 6)`, '* 6 EXPUNGE']);
      // the order kept is the order SORT gives now
      r = await ok(s1, 'UID SORT (SUBJECT) UTF-8 FLAGGED');
      assert.deepEqual(r.untagged, ['* SORT 4 2 3']);
      await ok(s1, `CANCELUPDATE "${tag}"`);
      await ok(s1, 'UID STORE 1:* -FLAGS (\\Flagged)');
    });

    it('places new mail after EXISTS and removes each expunged MSN right before its EXPUNGE', async () => {
      // the mailbox is 1 d, 2 b, 3 f, 4 a, 5 e (UIDs); MSNs are the same
      const start = await ok(s1, 'SORT RETURN (UPDATE COUNT) (REVERSE SUBJECT) UTF-8 ALL');
      const tag = start.tag;
      assert.deepEqual(esearch(start), [`* ESEARCH (TAG "${tag}") COUNT 5`]);
      // reverse order f e d b a; "ca" goes between d and b
      await s2.append('Sorted', message('subject ca'));
      let r = await ok(s1, 'NOOP');
      const lines = r.untagged.filter((u) => !u.endsWith(' RECENT'));
      assert.deepEqual(lines, ['* 6 EXISTS', `* ESEARCH (TAG "${tag}") ADDTO (4 6)`]);
      // now f e d ca b a, UIDs 3 5 1 7 2 4; expunging 2 (b, at 5) and then 5 (e, at 2, MSN 4 by then)
      await ok(s2, 'UID STORE 2,5 +FLAGS (\\Deleted)');
      await ok(s2, 'EXPUNGE');
      r = await ok(s1, 'NOOP');
      assert.deepEqual(r.untagged.filter((u) => /ESEARCH|EXPUNGE/.test(u)), [
        `* ESEARCH (TAG "${tag}") REMOVEFROM (5 2)`, '* 2 EXPUNGE',
        `* ESEARCH (TAG "${tag}") REMOVEFROM (2 4)`, '* 4 EXPUNGE']);
      r = await ok(s1, 'SORT (REVERSE SUBJECT) UTF-8 ALL');
      assert.deepEqual(r.untagged, ['* SORT 2 1 4 3']);
      await ok(s1, `CANCELUPDATE "${tag}"`);
    });

    it('reports a UID sort\'s expunged messages by position under QRESYNC, and answers PARTIAL with UPDATE', async () => {
      const q = await ImapClient.connect(server.imapPort);
      try {
        await q.login('alice', 'secret');
        await ok(q, 'ENABLE QRESYNC');
        await ok(q, 'SELECT Sorted');
        // UIDs 1 d, 3 f, 4 a, 7 ca; SUBJECT order 4 7 1 3
        const start = await ok(q, 'UID SORT RETURN (UPDATE PARTIAL 1:2) (SUBJECT) UTF-8 ALL');
        assert.deepEqual(esearch(start), [`* ESEARCH (TAG "${start.tag}") UID PARTIAL (1:2 4,7)`]);
        await ok(s2, 'UID STORE 1,4 +FLAGS (\\Deleted)');
        await ok(s2, 'UID EXPUNGE 1,4');
        const r = await ok(q, 'NOOP');
        assert.deepEqual(r.untagged.filter((u) => /ESEARCH|VANISHED/.test(u)),
          [`* ESEARCH (TAG "${start.tag}") UID REMOVEFROM (3 1 1 4)`, '* VANISHED 1,4']);
      } finally {
        await q.close();
      }
    });

    it('refuses UPDATE under the tag of a live sort, and more than the limit with NOUPDATE', async () => {
      s1.write('S1 UID SORT RETURN (UPDATE) (ARRIVAL) UTF-8 ALL\r\n');
      assert.equal((await s1.result('S1')).status, 'OK');
      s1.write('S1 UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL\r\n');
      assert.equal((await s1.result('S1')).status, 'BAD');
      const tags = ['S1'];
      for (let i = 0; i < 7; i++) tags.push((await ok(s1, 'UID SORT RETURN (UPDATE) (DATE) UTF-8 ALL')).tag);
      const r = await ok(s1, 'UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 ALL');
      assert.deepEqual(r.untagged, [`* ESEARCH (TAG "${r.tag}") UID COUNT 2`,
        `* NO [NOUPDATE "${r.tag}"] Too many searches kept up to date; this one is not`]);
      await ok(s1, `CANCELUPDATE ${tags.map((t) => `"${t}"`).join(' ')}`);
    });
  });
});
