// IMAP4rev2 (RFC 9051) beside IMAP4rev1: both advertised, IMAP4rev1 behaviour until ENABLE
// IMAP4rev2, then the rev2 differences of Appendix E: no \Recent and no RECENT response, SEARCH
// answered with ESEARCH, SELECT sending the mailbox's LIST response instead of [UNSEEN], UTF-8
// mailbox names; STATUS DELETED and SIZE; and imapflow, which enables IMAP4rev2 by itself.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap IMAP4rev2', () => {
  let db: TestDatabase;
  let server: TestServer;
  let other: ImapClient;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    other = await ImapClient.connect(server.imapPort);
    await other.login('alice', 'secret');
    await other.exec('CREATE Box');
    for (let i = 1; i <= 3; i++) await other.append('Box', message(`m${i}`), { flags: i === 1 ? '\\Seen' : '' });
  });
  after(async () => {
    await other?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises IMAP4rev2 beside IMAP4rev1 and keeps rev1 behaviour until enabled', async () => {
    const c = await ImapClient.connect(server.imapPort);
    assert.match(c.greeting, /\[CAPABILITY IMAP4rev1 IMAP4rev2 /);
    await c.login('alice', 'secret');
    const sel = await c.exec('EXAMINE Box');
    assert.ok(sel.untagged.includes('* 3 RECENT'), sel.untagged.join('\n'));
    assert.ok(sel.untagged.some((u) => u.startsWith('* OK [UNSEEN 2]')), sel.untagged.join('\n'));
    assert.ok(!sel.untagged.some((u) => u.startsWith('* LIST')));
    assert.deepEqual((await c.exec('SEARCH UNSEEN')).untagged, ['* SEARCH 2 3']);
    assert.match((await c.exec('FETCH 2 FLAGS')).untagged[0], /\\Recent/);
    await c.close();
  });

  it('after ENABLE IMAP4rev2: no \\Recent, LIST in SELECT, ESEARCH for SEARCH', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    assert.deepEqual((await c.exec('ENABLE IMAP4rev2')).untagged, ['* ENABLED IMAP4rev2']);
    assert.deepEqual((await c.exec('ENABLE IMAP4rev2')).untagged, ['* ENABLED']);
    const sel = await c.exec('SELECT Box');
    assert.equal(sel.status, 'OK');
    assert.ok(sel.untagged.includes('* 3 EXISTS'), sel.untagged.join('\n'));
    assert.ok(!sel.untagged.some((u) => /RECENT|\[UNSEEN/.test(u)), sel.untagged.join('\n'));
    assert.ok(sel.untagged.some((u) => /^\* LIST \([^)]*\) "\/" "Box"$/.test(u)), sel.untagged.join('\n'));
    const inbox = await c.exec('EXAMINE inbox');
    assert.ok(inbox.untagged.some((u) => /^\* LIST \([^)]*\) "\/" "INBOX"$/.test(u)), inbox.untagged.join('\n'));
    await c.exec('SELECT Box');
    const f = await c.exec('FETCH 1:* FLAGS');
    assert.ok(!f.untagged.some((u) => u.includes('\\Recent')), f.untagged.join('\n'));

    const s = await c.exec('SEARCH UNSEEN');
    assert.deepEqual(s.untagged, [`* ESEARCH (TAG "${s.tag}") ALL 2:3`]);
    const u = await c.exec('UID SEARCH SEEN');
    assert.deepEqual(u.untagged, [`* ESEARCH (TAG "${u.tag}") UID ALL 1`]);
    const none = await c.exec('UID SEARCH DELETED');
    assert.deepEqual(none.untagged, [`* ESEARCH (TAG "${none.tag}") UID`]);
    const count = await c.exec('SEARCH RETURN (COUNT) ALL');
    assert.deepEqual(count.untagged, [`* ESEARCH (TAG "${count.tag}") COUNT 3`]);

    // a message arriving meanwhile: EXISTS, but no RECENT
    await other.append('Box', message('m4'));
    const noop = await c.exec('NOOP');
    assert.ok(noop.untagged.includes('* 4 EXISTS'), noop.untagged.join('\n'));
    assert.ok(!noop.untagged.some((x) => x.includes('RECENT')), noop.untagged.join('\n'));
    assert.doesNotMatch((await c.exec('FETCH 4 FLAGS')).untagged[0], /\\Recent/);
    await c.close();
  });

  it('uses UTF-8 mailbox names once IMAP4rev2 is enabled', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('ENABLE IMAP4rev2');
    assert.equal((await c.exec(Buffer.from('CREATE "Grüße"', 'utf8'))).status, 'OK');
    const l = await c.exec('LIST "" "Gr*"');
    assert.deepEqual(l.units.map((x) => x.bytes.toString('utf8')), ['* LIST (\\HasNoChildren) "/" "Grüße"']);
    const rev1 = await ImapClient.connect(server.imapPort);
    await rev1.login('alice', 'secret');
    assert.deepEqual((await rev1.exec('LIST "" "Gr*"')).untagged, ['* LIST (\\HasNoChildren) "/" "Gr&APwA3w-e"']);
    await rev1.close();
    await c.close();
  });

  it('STATUS answers DELETED and SIZE', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('ENABLE IMAP4rev2');
    await c.exec('SELECT Box');
    await c.exec('STORE 2 +FLAGS (\\Deleted)');
    const st = await c.exec('STATUS INBOX (DELETED SIZE MESSAGES)');
    assert.deepEqual(st.untagged, ['* STATUS "INBOX" (DELETED 0 SIZE 0 MESSAGES 0)']);
    await c.exec('UNSELECT');
    const box = await c.exec('STATUS Box (DELETED SIZE)');
    assert.match(box.untagged[0], /^\* STATUS "Box" \(DELETED 1 SIZE [1-9]\d*\)$/);
    await c.close();
  });

  it('imapflow enables IMAP4rev2 and searches, fetches and stores in it', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' } });
    await client.connect();
    assert.ok((client as unknown as { enabled: Set<string> }).enabled.has('IMAP4REV2'));
    const lock = await client.getMailboxLock('Box');
    try {
      const uids = await client.search({ seen: false }, { uid: true });
      assert.ok(Array.isArray(uids) && uids.length >= 2, String(uids));
      await client.messageFlagsAdd(String(uids[0]), ['\\Flagged'], { uid: true });
      const msg = await client.fetchOne(String(uids[0]), { flags: true, envelope: true }, { uid: true });
      assert.ok(msg);
      assert.ok(msg.flags?.has('\\Flagged'));
      assert.ok(!msg.flags?.has('\\Recent'));
    } finally {
      lock.release();
    }
    await client.logout();
  });
});
