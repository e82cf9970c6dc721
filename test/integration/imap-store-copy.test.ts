// STORE, COPY, MOVE, EXPUNGE, UID EXPUNGE and CLOSE over IMAP, with COPYUID/APPENDUID (UIDPLUS),
// keywords announced in FLAGS, and bulk operations as one statement.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';

describe('imap store, copy, move, expunge', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let alice: TestUser;
  const boxId = async (name: string) =>
    (await db.admin.query('select id from mail.mailboxes where owner = $1 and name = $2 and deleted_at is null', [alice.id, name])).rows[0].id as number;
  const fill = async (name: string, n: number) => {
    const raws = Array.from({ length: n }, (_, i) => rawMessage(`${name} ${i + 1}`));
    const b = await boxId(name);
    await inject(db.api, alice.id, raws, raws.map((_, i) => ({ m: i + 1, b })));
  };
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'secret', 'alice@example.com', ['Work', 'Archive', 'Empty']);
    await fill('Work', 5);
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('SELECT Work');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('STORE +FLAGS, -FLAGS, FLAGS and .SILENT; new keywords are announced', async () => {
    let r = await c.exec('STORE 1:2 +FLAGS (\\Flagged)');
    assert.deepEqual(r.untagged, ['* 1 FETCH (FLAGS (\\Flagged \\Recent))', '* 2 FETCH (FLAGS (\\Flagged \\Recent))']);
    r = await c.exec('UID STORE 2 -FLAGS.SILENT (\\Flagged)');
    assert.deepEqual(r.untagged, []);
    r = await c.exec('STORE 3 FLAGS ($Label1 \\Answered)');
    assert.equal(r.untagged[0], '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)');
    assert.match(r.untagged[1], /^\* OK \[PERMANENTFLAGS \(.*\$Label1 \\\*\)\]/);
    assert.equal(r.untagged[2], '* 3 FETCH (FLAGS (\\Answered $Label1 \\Recent))');
    r = await c.exec('UID STORE 1:* FLAGS.SILENT ()');
    assert.equal(r.status, 'OK');
    const f = await c.exec('FETCH 1:* FLAGS');
    assert.ok(f.untagged.every((u) => /FLAGS \(\\Recent\)\)$/.test(u)), f.untagged.join('\n'));
    assert.equal((await c.exec('STORE 1 +FLAGS (\\Recent)')).status, 'BAD');
    assert.equal((await c.exec('STORE 9 +FLAGS (\\Seen)')).status, 'BAD');
  });

  it('COPY answers COPYUID and leaves the source alone; a missing target is TRYCREATE', async () => {
    const r = await c.exec('COPY 2:4 Archive');
    const m = /^A\d+ OK \[COPYUID (\d+) 2:4 1:3\]/.exec(r.line);
    assert.ok(m, r.line);
    const st = await c.exec('STATUS Archive (MESSAGES UIDNEXT)');
    assert.equal(st.untagged[0], '* STATUS "Archive" (MESSAGES 3 UIDNEXT 4)');
    const missing = await c.exec('COPY 1 Nowhere');
    assert.match(missing.line, /NO \[TRYCREATE\]/);
    const uid = await c.exec('UID COPY 5 Archive');
    assert.match(uid.line, /OK \[COPYUID \d+ 5 4\]/);
  });

  it('MOVE sends COPYUID first, then EXPUNGE', async () => {
    const r = await c.exec('MOVE 2 Archive');
    assert.equal(r.status, 'OK');
    assert.match(r.untagged[0], /^\* OK \[COPYUID \d+ 2 5\]/);
    assert.equal(r.untagged[1], '* 2 EXPUNGE');
    const u = await c.exec('UID MOVE 4:5 Archive');
    assert.match(u.untagged[0], /^\* OK \[COPYUID \d+ 4:5 6:7\]/);
    assert.deepEqual(u.untagged.slice(1), ['* 3 EXPUNGE', '* 3 EXPUNGE']);
    const f = await c.exec('FETCH 1:* UID');
    assert.deepEqual(f.untagged, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)']);
  });

  it('EXPUNGE removes \\Deleted messages; UID EXPUNGE only those in its set', async () => {
    await c.exec('SELECT Archive');
    await c.exec('STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    const ue = await c.exec('UID EXPUNGE 2:3');
    assert.deepEqual(ue.untagged, ['* 2 EXPUNGE', '* 2 EXPUNGE']);
    const e = await c.exec('EXPUNGE');
    assert.deepEqual(e.untagged, ['* 1 EXPUNGE']);
    const left = await c.exec('UID SEARCH ALL');
    assert.deepEqual(left.untagged, ['* SEARCH 4 5 6 7']);
    // the expunged messages are kept for undelete
    const kept = await db.admin.query('select count(*)::int as n from mail.deleted_messages where mailbox = $1', [await boxId('Archive')]);
    assert.equal(kept.rows[0].n, 3);
  });

  it('CLOSE expunges silently; EXAMINE refuses changes', async () => {
    await c.exec('STORE 1 +FLAGS.SILENT (\\Deleted)');
    const r = await c.exec('CLOSE');
    assert.deepEqual(r.untagged, []);
    const st = await c.exec('STATUS Archive (MESSAGES)');
    assert.equal(st.untagged[0], '* STATUS "Archive" (MESSAGES 3)');
    await c.exec('EXAMINE Archive');
    assert.equal((await c.exec('STORE 1 +FLAGS (\\Seen)')).status, 'NO');
    assert.equal((await c.exec('EXPUNGE')).status, 'NO');
    assert.equal((await c.exec('MOVE 1 Work')).status, 'NO');
    assert.match((await c.exec('COPY 1 Work')).line, /OK \[COPYUID/);
  });

  it('bulk STORE and MOVE of 3000 messages are quick', async function () {
    this.timeout(30_000);
    await c.exec('CREATE Bulk');
    await fill('Bulk', 3000);
    await c.exec('SELECT Bulk');
    const t0 = Date.now();
    const s = await c.exec('STORE 1:* +FLAGS.SILENT (\\Seen)');
    assert.equal(s.status, 'OK');
    const st = await c.exec('STATUS Bulk (UNSEEN)');
    assert.equal(st.untagged[0], '* STATUS "Bulk" (UNSEEN 0)');
    const m = await c.exec('UID MOVE 1:* Empty');
    assert.match(m.untagged[0], /COPYUID \d+ 1:3000 1:3000/);
    assert.equal(m.untagged.filter((u) => u === '* 1 EXPUNGE').length, 3000);
    assert.ok(Date.now() - t0 < 15_000);
  });

  it('imapflow stores flags, copies, moves and deletes', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: process.env.IMAPFLOW_LOG ? { debug: (o: { msg?: string }) => console.log(o.msg), info: () => undefined, warn: () => undefined, error: (o: unknown) => console.log(o) } : false,
      auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    const before = (await client.mailboxOpen('Work')).exists;
    await client.append('Work', message('from imapflow'), ['\\Draft']);
    assert.ok(await client.messageFlagsAdd('1:*', ['\\Flagged']));
    const copied = await client.messageCopy('1', 'Archive');
    assert.ok(copied && copied.uidMap && copied.uidMap.size === 1);
    const moved = await client.messageMove('2', 'Archive');
    assert.ok(moved && moved.uidMap && moved.uidMap.size === 1);
    assert.ok(await client.messageDelete('1'));
    const st = await client.status('Work', { messages: true });
    assert.ok(st);
    assert.equal(st.messages, before + 1 - 2);
    await client.logout();
  });
});
