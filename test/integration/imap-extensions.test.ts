// Smaller extensions over IMAP: SEARCHRES (RFC 5182), OBJECTID (RFC 8474), STATUS=SIZE (RFC 8438),
// and the conformance details imaptest checks: HIGHESTMODSEQ when CONDSTORE is enabled by a
// command (RFC 7162 §3.1), ESEARCH MODSEQ of MIN/MAX (§3.1.5), SENT* dates in the sender's time
// zone (RFC 3501 §6.4.4), group names in address searches, and UID sets beyond 2^31.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap extensions', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    for (let i = 1; i <= 5; i++) await c.append('INBOX', message(`m${i}`), { flags: i % 2 === 0 ? '\\Seen' : '' });
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises SEARCHRES, OBJECTID and STATUS=SIZE', async () => {
    const cap = await c.exec('CAPABILITY');
    for (const x of ['SEARCHRES', 'OBJECTID', 'STATUS=SIZE']) assert.ok(cap.untagged[0].split(' ').includes(x), x);
  });

  it('SEARCH RETURN (SAVE) keeps the result for $ in FETCH, STORE and SEARCH', async () => {
    await c.exec('SELECT INBOX');
    const save = await c.exec('SEARCH RETURN (SAVE) UNSEEN');
    assert.equal(save.status, 'OK');
    assert.deepEqual(save.untagged, [], 'SAVE alone sends no ESEARCH');
    const f = await c.exec('FETCH $ (UID)');
    assert.deepEqual(f.untagged, ['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)', '* 5 FETCH (UID 5)']);
    assert.deepEqual((await c.exec('UID SEARCH UID $ NOT 5')).untagged, ['* SEARCH 1 3']);
    const minmax = await c.exec('UID SEARCH RETURN (SAVE MIN) ALL');
    assert.match(minmax.untagged[0], /^\* ESEARCH \(TAG "[^"]+"\) UID MIN 1$/);
    assert.deepEqual((await c.exec('UID FETCH $ (UID)')).untagged, ['* 1 FETCH (UID 1)']);
    // a failed SAVE empties $
    assert.equal((await c.exec('SEARCH RETURN (SAVE) CHARSET X-NOPE TEXT a')).status, 'NO');
    assert.deepEqual((await c.exec('FETCH $ (UID)')).untagged, []);
  });

  it('OBJECTID: MAILBOXID in CREATE, SELECT and STATUS; EMAILID and THREADID', async () => {
    const cr = await c.exec('CREATE Objects');
    const id = /\[MAILBOXID \((F\d+)\)\]/.exec(cr.line)?.[1];
    assert.ok(id, cr.line);
    assert.equal((await c.exec('RENAME Objects Renamed')).status, 'OK');
    const st = await c.exec('STATUS Renamed (MAILBOXID SIZE MESSAGES)');
    assert.deepEqual(st.untagged, [`* STATUS "Renamed" (MAILBOXID (${id}) SIZE 0 MESSAGES 0)`]);
    const sel = await c.exec('SELECT INBOX');
    assert.ok(sel.untagged.some((u) => /^\* OK \[MAILBOXID \(F\d+\)\]/.test(u)), sel.untagged.join('\n'));
    const f = await c.exec('FETCH 2 (EMAILID THREADID)');
    const m = /EMAILID \((M\d+)\) THREADID \((T\d+)\)/.exec(f.untagged[0]);
    assert.ok(m, f.untagged[0]);
    assert.deepEqual((await c.exec(`SEARCH EMAILID ${m[1]}`)).untagged, ['* SEARCH 2']);
  });

  it('sends HIGHESTMODSEQ when a command enables CONDSTORE, and MODSEQ of MIN in ESEARCH', async () => {
    await c.exec('SELECT INBOX');
    const f = await c.exec('FETCH 1 MODSEQ');
    assert.ok(f.untagged.some((u) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(u)), f.untagged.join('\n'));
    const m1 = /MODSEQ \((\d+)\)/.exec(f.untagged[0])?.[1];
    await c.exec('STORE 3 +FLAGS (\\Flagged)');
    const e = await c.exec('SEARCH RETURN (MIN) 1:3 MODSEQ 1');
    assert.match(e.untagged[0], new RegExp(`MIN 1 MODSEQ ${m1}$`));
  });

  it('SENTON uses the sender\'s date; TO matches group names; huge UID ranges are fine', async () => {
    await c.append('INBOX', 'From: a@example.com\r\nTo: team: x@example.com, y@example.com;\r\n' +
      'Date: Sat, 24 Mar 2007 23:30:00 +0200\r\nSubject: late\r\n\r\nbody\r\n');
    await c.exec('SELECT INBOX');
    assert.deepEqual((await c.exec('SEARCH SENTON 24-Mar-2007')).untagged, ['* SEARCH 6']);
    assert.deepEqual((await c.exec('SEARCH TO team')).untagged, ['* SEARCH 6']);
    assert.deepEqual((await c.exec('UID SEARCH UID 6:4294967295')).untagged, ['* SEARCH 6']);
  });
});
