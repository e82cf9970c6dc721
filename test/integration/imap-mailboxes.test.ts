// Mailbox commands over IMAP: SELECT/EXAMINE (\Recent, read-only), CREATE/DELETE/RENAME with
// hierarchies and RENAME INBOX, SUBSCRIBE, LIST/LSUB, LIST-EXTENDED, LIST-STATUS, SPECIAL-USE,
// STATUS, NAMESPACE and modified UTF-7 names.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap mailboxes', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    await createUser(db.admin, 'bob', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('SELECT reports \\Recent to the first read-write session only, EXAMINE is read-only', async () => {
    await c.append('INBOX', message('one'));
    await c.append('INBOX', message('two'), { flags: '\\Seen' });
    const ex = await c.exec('EXAMINE inbox');
    assert.match(ex.line, /OK \[READ-ONLY\]/);
    assert.ok(ex.untagged.includes('* 2 EXISTS'));
    // EXAMINE reports the \Recent count but leaves the messages recent for a SELECT
    assert.ok(ex.untagged.includes('* 2 RECENT'), ex.untagged.join('\n'));
    assert.ok(ex.untagged.includes('* OK [PERMANENTFLAGS ()] No permanent flags permitted'), ex.untagged.join('\n'));
    const sel = await c.exec('SELECT INBOX');
    assert.match(sel.line, /OK \[READ-WRITE\]/);
    assert.ok(sel.untagged.includes('* OK [CLOSED] Previous mailbox closed'));
    assert.ok(sel.untagged.includes('* 2 RECENT'), sel.untagged.join('\n'));
    assert.ok(sel.untagged.some((u) => /^\* OK \[UNSEEN 1\]/.test(u)));
    assert.ok(sel.untagged.some((u) => /^\* OK \[UIDVALIDITY \d+\]/.test(u)));
    assert.ok(sel.untagged.some((u) => u.startsWith('* OK [UIDNEXT 3]')));
    assert.ok(sel.untagged.some((u) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(u)));
    assert.ok(sel.untagged.some((u) => u.startsWith('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)')));
    const f = await c.exec('FETCH 1:2 FLAGS');
    assert.ok(f.untagged.every((u) => u.includes('\\Recent')), f.untagged.join('\n'));
    const d = await ImapClient.connect(server.imapPort);
    await d.login('alice', 'secret');
    const other = await d.exec('SELECT INBOX');
    assert.ok(other.untagged.includes('* 0 RECENT'));
    await d.close();
    assert.equal((await c.exec('UNSELECT')).status, 'OK');
    assert.equal((await c.exec('FETCH 1 FLAGS')).status, 'BAD');
    const none = await c.exec('SELECT nosuch');
    assert.equal(none.status, 'NO');
    assert.match(none.line, /NONEXISTENT/);
  });

  it('CREATE makes parents, DELETE keeps \\Noselect parents, RENAME moves inferiors', async () => {
    assert.equal((await c.exec('CREATE a/b/c')).status, 'OK');
    assert.equal((await c.exec('CREATE a/b/c')).status, 'NO');
    assert.equal((await c.exec('CREATE INBOX')).status, 'NO');
    let l = await c.exec('LIST "" a*');
    assert.deepEqual(l.untagged, [
      '* LIST (\\HasChildren) "/" "a"', '* LIST (\\HasChildren) "/" "a/b"', '* LIST (\\HasNoChildren) "/" "a/b/c"']);
    assert.equal((await c.exec('DELETE a')).status, 'OK');
    l = await c.exec('LIST "" a*');
    assert.equal(l.untagged[0], '* LIST (\\Noselect \\HasChildren) "/" "a"');
    assert.equal((await c.exec('SELECT a')).status, 'NO');
    assert.equal((await c.exec('RENAME a/b x/y')).status, 'OK');
    l = await c.exec('LIST "" *');
    const names = l.untagged.map((u) => u.replace(/^.* "\/" "(.*)"$/, '$1'));
    assert.ok(names.includes('x/y/c') && names.includes('x/y') && !names.includes('a/b'), names.join(','));
    assert.equal((await c.exec('DELETE INBOX')).status, 'NO');
    assert.equal((await c.exec('DELETE nosuch')).status, 'NO');
    assert.equal((await c.exec('RENAME nosuch other')).status, 'NO');
    assert.equal((await c.exec('RENAME x/y INBOX')).status, 'NO');
  });

  it('RENAME INBOX moves its messages and leaves INBOX empty', async () => {
    await c.exec('CREATE Box');
    const before = await c.exec('STATUS "INBOX" (MESSAGES)');
    const n = Number(/MESSAGES (\d+)/.exec(before.untagged[0])?.[1]);
    assert.ok(n > 0);
    assert.equal((await c.exec('RENAME INBOX Old-Inbox')).status, 'OK');
    const st = await c.exec('STATUS "INBOX" (MESSAGES UIDNEXT)');
    assert.match(st.untagged[0], /^\* STATUS "INBOX" \(MESSAGES 0 UIDNEXT \d+\)$/);
    const old = await c.exec('STATUS "Old-Inbox" (MESSAGES)');
    assert.equal(old.untagged[0], `* STATUS "Old-Inbox" (MESSAGES ${n})`);
  });

  it('STATUS reports counters', async () => {
    await c.exec('CREATE Counted');
    await c.append('Counted', message('x'), { flags: '\\Seen' });
    await c.append('Counted', message('y'), { flags: '\\Deleted' });
    const st = await c.exec('STATUS "Counted" (MESSAGES RECENT UIDNEXT UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT UIDVALIDITY)');
    assert.match(st.untagged[0], /^\* STATUS "Counted" \(MESSAGES 2 RECENT 2 UIDNEXT 3 UNSEEN 1 DELETED 1 SIZE \d+ HIGHESTMODSEQ \d+ APPENDLIMIT \d+ UIDVALIDITY \d+\)$/);
    assert.equal((await c.exec('STATUS nosuch (MESSAGES)')).status, 'NO');
    assert.equal((await c.exec('STATUS "Counted" (BOGUS)')).status, 'BAD');
  });

  it('SUBSCRIBE, LSUB and LIST (SUBSCRIBED), RECURSIVEMATCH and \\NonExistent', async () => {
    await c.exec('CREATE Sub/Child');
    assert.equal((await c.exec('SUBSCRIBE Sub/Child')).status, 'OK');
    assert.equal((await c.exec('SUBSCRIBE Counted')).status, 'OK');
    assert.equal((await c.exec('SUBSCRIBE NoSuchBox')).status, 'NO');
    const ls = await c.exec('LSUB "" *');
    assert.deepEqual(ls.untagged.sort(), ['* LSUB () "/" "Counted"', '* LSUB () "/" "Sub/Child"']);
    const sub = await c.exec('LIST (SUBSCRIBED) "" *');
    assert.ok(sub.untagged.includes('* LIST (\\HasNoChildren \\Subscribed) "/" "Counted"'), sub.untagged.join('\n'));
    const rec = await c.exec('LIST (SUBSCRIBED RECURSIVEMATCH) "" %');
    assert.ok(rec.untagged.includes('* LIST (\\HasChildren) "/" "Sub" ("CHILDINFO" ("SUBSCRIBED"))'), rec.untagged.join('\n'));
    assert.equal((await c.exec('RENAME Counted Counted2')).status, 'OK');
    assert.equal((await c.exec('RENAME Counted2 Counted')).status, 'OK');
    await c.exec('DELETE Sub/Child');
    const gone = await c.exec('LIST (SUBSCRIBED) "" Sub/*');
    assert.deepEqual(gone.untagged, ['* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "Sub/Child"']);
    assert.equal((await c.exec('UNSUBSCRIBE Sub/Child')).status, 'OK');
    assert.deepEqual((await c.exec('LSUB "" Sub*')).untagged, []);
  });

  it('LIST "" "" gives the delimiter; RETURN (CHILDREN SUBSCRIBED STATUS) and several patterns', async () => {
    assert.deepEqual((await c.exec('LIST "" ""')).untagged, ['* LIST (\\Noselect) "/" ""']);
    const r = await c.exec('LIST "" (Counted Box) RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN))');
    assert.deepEqual(r.untagged, [
      '* LIST (\\HasNoChildren) "/" "Box"', '* STATUS "Box" (MESSAGES 0 UNSEEN 0)',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Counted"', '* STATUS "Counted" (MESSAGES 2 UNSEEN 1)']);
    assert.equal((await c.exec('LIST (BOGUS) "" *')).status, 'BAD');
    assert.equal((await c.exec('LIST (RECURSIVEMATCH) "" *')).status, 'BAD');
  });

  it('SPECIAL-USE: CREATE (USE (\\Drafts)) and LIST (SPECIAL-USE)', async () => {
    assert.equal((await c.exec('CREATE Drafts (USE (\\Drafts))')).status, 'OK');
    const bad = await c.exec('CREATE Weird (USE (\\Bogus))');
    assert.equal(bad.status, 'NO');
    assert.match(bad.line, /USEATTR/);
    const l = await c.exec('LIST (SPECIAL-USE) "" *');
    assert.deepEqual(l.untagged, ['* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"']);
    const all = await c.exec('LIST "" Drafts RETURN (SPECIAL-USE)');
    assert.deepEqual(all.untagged, ['* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"']);
  });

  it('names are modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT; INBOX is case-insensitive', async () => {
    assert.equal((await c.exec('CREATE "Entw&APw-rfe"')).status, 'OK');
    assert.deepEqual((await c.exec('LIST "" Entw*')).untagged, ['* LIST (\\HasNoChildren) "/" "Entw&APw-rfe"']);
    // not modified UTF-7, so no such name can exist: NO (imaptest's atoms test), not BAD
    assert.equal((await c.exec('CREATE "Bad&Jjo"')).status, 'NO');
    assert.deepEqual((await c.exec('LIST "" inBOX')).untagged, ['* LIST (\\HasNoChildren) "/" "INBOX"']);
    const ns = await c.exec('NAMESPACE');
    assert.deepEqual(ns.untagged, ['* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL']);
    const u = await ImapClient.connect(server.imapPort);
    await u.login('alice', 'secret');
    const en = await u.exec('ENABLE UTF8=ACCEPT');
    assert.deepEqual(en.untagged, ['* ENABLED UTF8=ACCEPT']);
    assert.deepEqual((await u.exec('LIST "" Entw*')).units.map((x) => x.bytes.toString('utf8')),
      ['* LIST (\\HasNoChildren) "/" "Entwürfe"']);
    assert.equal((await u.exec('SELECT "Entwürfe"')).status, 'OK');
    await u.close();
  });

  it('imapflow lists, creates, renames and deletes mailboxes', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'bob', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    await client.mailboxCreate(['Projects', 'Alpha']);
    await client.mailboxRename('Projects/Alpha', 'Projects/Beta');
    const list = await client.list();
    const paths = list.map((m) => m.path);
    assert.ok(paths.includes('Projects/Beta') && paths.includes('INBOX'), paths.join(','));
    const st = await client.status('INBOX', { messages: true, uidNext: true });
    assert.ok(st);
    assert.equal(st.messages, 0);
    await client.mailboxDelete('Projects/Beta');
    assert.ok(!(await client.list()).some((m) => m.path === 'Projects/Beta'));
    await client.logout();
  });
});
