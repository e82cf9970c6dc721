// ACL (RFC 4314) through the real server: SETACL/DELETEACL/GETACL/LISTRIGHTS/MYRIGHTS, and what a
// grant lets another user do with a shared mailbox under "Other Users/<login>/" (and what nothing
// lets anyone do without one).
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap ACL', () => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: ImapClient;
  let bob: ImapClient;
  let carol: ImapClient;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    await createUser(db.admin, 'alice', 'secret', 'alice@example.com', ['Shared', 'Private']);
    await createUser(db.admin, 'bob', 'secret');
    await createUser(db.admin, 'carol', 'secret');
    alice = await ImapClient.connect(server.imapPort);
    await alice.login('alice', 'secret');
    bob = await ImapClient.connect(server.imapPort);
    await bob.login('bob', 'secret');
    carol = await ImapClient.connect(server.imapPort);
    await carol.login('carol', 'secret');
    assert.equal((await alice.append('Shared', message('shared one', 'For Bob.\r\n'))).status, 'OK');
    assert.equal((await alice.append('Shared', message('shared two'))).status, 'OK');
    assert.equal((await alice.append('Private', message('secret'))).status, 'OK');
  });
  after(async () => {
    for (const c of [alice, bob, carol]) await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises ACL and RIGHTS=texk', async () => {
    const cap = (await alice.exec('CAPABILITY')).untagged[0].split(' ');
    assert.ok(cap.includes('ACL') && cap.includes('RIGHTS=texk'));
  });

  it('shows nothing of alice\'s mail to anyone before a grant', async () => {
    for (const c of [bob, carol]) {
      const list = await c.exec('LIST "" *');
      assert.ok(!list.untagged.some((u) => u.includes('Other Users')), list.untagged.join('\n'));
      const sel = await c.exec('SELECT "Other Users/alice/Shared"');
      assert.equal(sel.status, 'NO');
      assert.match(sel.line, /\[NONEXISTENT\]/);
      assert.equal((await c.exec('STATUS "Other Users/alice/INBOX" (MESSAGES)')).status, 'NO');
      assert.equal((await c.exec('MYRIGHTS "Other Users/alice/Shared"')).status, 'NO');
      assert.equal((await c.exec('GETACL "Other Users/alice/Shared"')).status, 'NO');
    }
  });

  it('lets the owner read and change the ACL', async () => {
    assert.deepEqual((await alice.exec('MYRIGHTS Shared')).untagged, ['* MYRIGHTS "Shared" "lrswipkxteancd"']);
    assert.equal((await alice.exec('SETACL Shared bob lr')).status, 'OK');
    assert.deepEqual((await alice.exec('GETACL Shared')).untagged, ['* ACL "Shared" "alice" "lrswipkxteancd" "bob" "lr"']);
    assert.deepEqual((await alice.exec('LISTRIGHTS Shared bob')).untagged,
      ['* LISTRIGHTS "Shared" "bob" "" "l" "r" "s" "w" "i" "p" "k" "x" "t" "e" "a" "n" "c" "d"']);
    assert.deepEqual((await alice.exec('LISTRIGHTS Shared alice')).untagged, ['* LISTRIGHTS "Shared" "alice" "lrswipkxteacdn"']);
  });

  it('agrees with the aox command\'s view of the ACL', async () => {
    const r = await db.admin.query(`select * from admin.rights_list('alice', 'Shared')`);
    assert.deepEqual(r.rows.map((x) => x.identifier), ['alice', 'bob']);
    assert.equal(r.rows[1].rights, 'lr');
  });

  it('lets bob see, select and fetch the shared mailbox under Other Users', async () => {
    const list = await bob.exec('LIST "" *');
    assert.ok(list.untagged.some((u) => /^\* LIST \([^)]*\) "\/" "Other Users\/alice\/Shared"$/.test(u)), list.untagged.join('\n'));
    assert.ok(!list.untagged.some((u) => u.includes('Private') || u.includes('alice/INBOX')), list.untagged.join('\n'));
    assert.deepEqual((await bob.exec('MYRIGHTS "Other Users/alice/Shared"')).untagged, ['* MYRIGHTS "Other Users/alice/Shared" "lr"']);
    const sel = await bob.exec('SELECT "Other Users/alice/Shared"');
    assert.equal(sel.status, 'OK', sel.line);
    assert.ok(sel.untagged.includes('* 2 EXISTS'), sel.untagged.join('\n'));
    const f = await bob.exec('FETCH 1 (BODY.PEEK[TEXT] FLAGS)');
    assert.equal(f.status, 'OK', f.line);
    assert.ok(f.untagged.some((u) => u.includes('For Bob.')), f.untagged.join('\n'));
    const body = await bob.exec('FETCH 2 BODY[]');
    assert.equal(body.status, 'OK', body.line);
    assert.equal((await bob.exec('UID SORT (SUBJECT) UTF-8 ALL')).untagged[0], '* SORT 1 2');
    assert.equal((await bob.exec('THREAD REFS UTF-8 ALL')).untagged[0], '* THREAD (1)(2)');
  });

  it('does not let bob change flags or expunge without the rights for it', async () => {
    const st = await bob.exec('STORE 1 +FLAGS (\\Deleted)');
    assert.equal(st.status, 'NO', st.line);
    const seen = await bob.exec('STORE 1 +FLAGS (\\Seen)');
    assert.equal(seen.status, 'NO', seen.line);
    assert.equal((await bob.exec('EXPUNGE')).status, 'NO');
    // with w the mailbox is read-write, and the database still wants t for \Deleted, s for \Seen
    assert.equal((await alice.exec('SETACL Shared bob lrw')).status, 'OK');
    assert.match((await bob.exec('SELECT "Other Users/alice/Shared"')).line, /READ-WRITE/);
    const del = await bob.exec('STORE 1 +FLAGS (\\Deleted)');
    assert.equal(del.status, 'NO', del.line);
    assert.match(del.line, /\[NOPERM\]/);
    assert.match((await bob.exec('STORE 1 +FLAGS (\\Seen)')).line, /NO \[NOPERM\]/);
    assert.equal((await bob.exec('STORE 1 +FLAGS ($Label)')).status, 'OK');
    // RFC 4314 §4: without s a non-PEEK body fetch returns the data and just leaves \Seen alone
    const fetched = await bob.exec('FETCH 2 BODY[]');
    assert.equal(fetched.status, 'OK', fetched.line);
    const flags = await db.admin.query(`select bool_or(deleted) d, bool_or(seen) s from mail.mailbox_messages mm
      join mail.mailboxes b on b.id = mm.mailbox where b.name = 'Shared'`);
    assert.deepEqual(flags.rows[0], { d: false, s: false });
    assert.equal((await alice.exec('SETACL Shared bob lr')).status, 'OK');
    await bob.exec('SELECT "Other Users/alice/Shared"');
  });

  it('does not let bob manage the ACL without the a right', async () => {
    const r = await bob.exec('SETACL "Other Users/alice/Shared" bob +w');
    assert.equal(r.status, 'NO');
    assert.match(r.line, /\[NOPERM\]/);
    assert.equal((await bob.exec('GETACL "Other Users/alice/Shared"')).status, 'NO');
    assert.equal((await bob.exec('LISTRIGHTS "Other Users/alice/Shared" bob')).status, 'NO');
    assert.equal((await bob.exec('DELETEACL "Other Users/alice/Shared" bob')).status, 'NO');
  });

  it('lets bob mark messages deleted once he has t, and gives c/d back for k/x and e/t', async () => {
    assert.equal((await alice.exec('SETACL Shared bob +td')).status, 'OK');
    assert.deepEqual((await bob.exec('MYRIGHTS "Other Users/alice/Shared"')).untagged, ['* MYRIGHTS "Other Users/alice/Shared" "lrted"']);
    // the mailbox was selected read-only (no right to change anything then): select it again
    assert.match((await bob.exec('SELECT "Other Users/alice/Shared"')).line, /READ-WRITE/);
    const st = await bob.exec('STORE 2 +FLAGS.SILENT (\\Deleted)');
    assert.equal(st.status, 'OK', st.line);
    assert.equal((await alice.exec('SETACL Shared bob -e')).status, 'OK');
    assert.deepEqual((await alice.exec('GETACL Shared')).untagged, ['* ACL "Shared" "alice" "lrswipkxteancd" "bob" "lrtd"']);
  });

  it('refuses negative rights, the owner, unknown rights and unknown users', async () => {
    const neg = await alice.exec('SETACL Shared -bob w');
    assert.equal(neg.status, 'NO');
    assert.match(neg.line, /\[CANNOT\] Negative rights/);
    const owner = await alice.exec('SETACL Shared alice -a');
    assert.equal(owner.status, 'NO');
    assert.match(owner.line, /\[CANNOT\]/);
    assert.equal((await alice.exec('SETACL Shared bob lrz')).status, 'BAD');
    assert.equal((await alice.exec('SETACL Shared bob lr9')).status, 'BAD');
    assert.equal((await alice.exec('SETACL Shared nobody lr')).status, 'NO');
    assert.equal((await alice.exec('SETACL NoSuch bob lr')).status, 'NO');
  });

  it('grants to "anyone"', async () => {
    assert.equal((await alice.exec('SETACL Private anyone l')).status, 'OK');
    const list = await carol.exec('LIST "" "Other Users/*"');
    assert.ok(list.untagged.some((u) => u.endsWith('"Other Users/alice/Private"')), list.untagged.join('\n'));
    assert.deepEqual((await carol.exec('MYRIGHTS "Other Users/alice/Private"')).untagged, ['* MYRIGHTS "Other Users/alice/Private" "l"']);
    // l alone lets one see the name, not read the messages
    const sel = await carol.exec('SELECT "Other Users/alice/Private"');
    assert.equal(sel.status, 'NO');
    assert.equal((await alice.exec('DELETEACL Private anyone')).status, 'OK');
    assert.equal((await carol.exec('MYRIGHTS "Other Users/alice/Private"')).status, 'NO');
  });

  it('takes everything away again with DELETEACL', async () => {
    assert.equal((await alice.exec('DELETEACL Shared bob')).status, 'OK');
    assert.equal((await alice.exec('DELETEACL Shared bob')).status, 'OK');
    assert.deepEqual((await alice.exec('GETACL Shared')).untagged, ['* ACL "Shared" "alice" "lrswipkxteancd"']);
    const b2 = await ImapClient.connect(server.imapPort);
    await b2.login('bob', 'secret');
    assert.equal((await b2.exec('SELECT "Other Users/alice/Shared"')).status, 'NO');
    const list = await b2.exec('LIST "" *');
    assert.ok(!list.untagged.some((u) => u.includes('Other Users')));
    await b2.close();
    // the session that had it selected can no longer fetch
    assert.equal((await bob.exec('FETCH 1 BODY.PEEK[]')).status, 'NO');
  });
});
