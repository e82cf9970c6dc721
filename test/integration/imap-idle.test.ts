// Changes by other sessions: IDLE reports EXISTS, EXPUNGE and FETCH FLAGS promptly; NOOP reports
// them; FETCH/STORE/SEARCH never carry an EXPUNGE (RFC 3501 §7.4.1) while UID commands may;
// CONDSTORE adds MODSEQ; the safety poll catches changes whose notification was lost.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import sinon from 'sinon';
import { sessionTiming, type Session } from '../../frontend/imap/session.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';

/**
 * Waits until the selected sessions have been told (by NOTIFY) that their mailbox changed. The hub
 * marks every session of a mailbox at once, so one dirty session means all of them were told.
 */
async function notified(server: TestServer): Promise<void> {
  const deadline = Date.now() + 10_000;
  const sessions = () => [...server.context.sessions] as unknown as Session[];
  while (Date.now() < deadline && !sessions().some((x) => x.selected?.isDirty)) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('imap idle and updates from other sessions', () => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: TestUser;
  let watcher: ImapClient;
  let actor: ImapClient;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'secret');
  });
  let counter = 0;
  let box = '';
  after(async () => {
    await server?.close();
    await db?.drop();
  });
  // every test gets a fresh mailbox with UIDs 1, 2, 3, selected by both clients (watcher first)
  beforeEach(async () => {
    box = `T${++counter}`;
    const { rows: [b] } = await db.admin.query('select mail.create_mailbox($1, $2, null) as id', [alice.id, box]);
    for (let i = 1; i <= 3; i++) await inject(db.api, alice.id, [rawMessage(`${box} m${i}`)], [{ m: 1, b: b.id }]);
    watcher = await ImapClient.connect(server.imapPort);
    await watcher.login('alice', 'secret');
    await watcher.exec(`SELECT ${box}`);
    actor = await ImapClient.connect(server.imapPort);
    await actor.login('alice', 'secret');
    await actor.exec(`SELECT ${box}`);
  });
  afterEach(async () => {
    sinon.restore();
    await watcher.close();
    await actor.close();
  });

  it('IDLE reports new messages, flag changes and expunges as they happen', async () => {
    watcher.write('I1 IDLE\r\n');
    assert.match((await watcher.next()).text, /^\+ /);
    await actor.append(box, message('arrives during idle'));
    const exists = await watcher.waitFor(/^\* \d+ EXISTS$/, 10_000);
    assert.equal(exists.unit.text, '* 4 EXISTS');
    await actor.exec('STORE 2 +FLAGS (\\Flagged)');
    const flags = await watcher.waitFor(/FETCH/, 10_000);
    assert.equal(flags.unit.text, '* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))');
    await actor.exec('STORE 1 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    const gone = await watcher.waitFor(/EXPUNGE/, 10_000);
    assert.equal(gone.unit.text, '* 1 EXPUNGE');
    watcher.write('DONE\r\n');
    const done = await watcher.result('I1');
    assert.equal(done.status, 'OK');
    const uids = await watcher.exec('UID SEARCH ALL');
    assert.deepEqual(uids.untagged, ['* SEARCH 2 3 4']);
  });

  it('NOOP reports changes; FETCH, STORE and SEARCH hold back EXPUNGE until a command that allows it', async () => {
    await actor.exec('STORE 2 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    await actor.append(box, message('another'));
    // once notified, a buggy server would send the EXPUNGE with the next command's responses
    await notified(server);
    const f = await watcher.exec('FETCH 1:* (FLAGS)');
    assert.ok(!f.untagged.some((u) => /EXPUNGE/.test(u)), f.untagged.join('\n'));
    // MSNs stay as the client knows them: message 1 is still UID 2 for this client
    const s = await watcher.exec('SEARCH ALL');
    assert.ok(!s.untagged.some((u) => /EXPUNGE/.test(u)));
    const st = await watcher.exec('STORE 1 +FLAGS.SILENT (\\Seen)');
    assert.ok(!st.untagged.some((u) => /EXPUNGE/.test(u)));
    const n = await watcher.exec('NOOP');
    assert.ok(n.untagged.includes('* 2 EXPUNGE'), n.untagged.join('\n'));
    const after = await watcher.exec('UID SEARCH ALL');
    assert.deepEqual(after.untagged, ['* SEARCH 1 3 4']);
  });

  it('UID FETCH may report an expunge; CONDSTORE adds MODSEQ to unsolicited FETCH', async () => {
    await watcher.exec('ENABLE CONDSTORE');
    await actor.exec('STORE 1 +FLAGS (\\Answered)');
    await actor.exec('STORE 2 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    // the notification is what makes the next command look for changes
    await notified(server);
    const r = await watcher.exec('UID FETCH 1:* UID');
    const text = r.untagged.join('\n');
    assert.match(text, /^\* 1 FETCH \(UID 1 FLAGS \(\\Answered \\Recent\) MODSEQ \(\d+\)\)$/m);
    assert.match(text, /^\* 2 EXPUNGE$/m);
  });

  it('the safety poll finds changes whose notification never came', async () => {
    sinon.replace(sessionTiming, 'safetyPollMs', 150);
    const w = await ImapClient.connect(server.imapPort);
    await w.login('alice', 'secret');
    await w.exec(`SELECT ${box}`);
    w.write('P1 IDLE\r\n');
    await w.next();
    // a change made behind the frontend's back: no NOTIFY is sent
    const boxId = (await db.admin.query('select id from mail.mailboxes where owner = $1 and name = $2', [alice.id, box])).rows[0].id as number;
    await db.admin.query(`update mail.mailboxes set uidnext = uidnext + 1, nextmodseq = nextmodseq + 1 where id = $1`, [boxId]);
    await db.admin.query(`insert into mail.mailbox_messages (mailbox, uid, message, modseq, internaldate, size)
      select $1, b.uidnext - 1, mm.message, b.nextmodseq - 1, now(), mm.size from mail.mailboxes b
        join mail.mailbox_messages mm on mm.mailbox = b.id where b.id = $1 order by mm.uid limit 1`, [boxId]);
    const got = await w.waitFor(/EXISTS/, 10_000);
    assert.equal(got.unit.text, '* 4 EXISTS');
    w.write('DONE\r\n');
    await w.result('P1');
    await w.close();
  });

  it('imapflow sees EXISTS and flag changes from another client while idling', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' } });
    await client.connect();
    await client.mailboxOpen(box);
    const seen = new Promise<number>((resolve) => client.on('exists', (d: { count: number }) => resolve(d.count)));
    const flagged = new Promise<string[]>((resolve) => client.on('flags', (d: { flags: Set<string> }) => resolve([...d.flags])));
    void client.idle();
    await new Promise((r) => setTimeout(r, 50));
    await actor.append(box, message('for imapflow'));
    const count = await seen;
    assert.ok(count > 0);
    await actor.exec(`STORE ${count} +FLAGS (\\Flagged)`);
    // \Recent goes to whichever session noticed the arrival first
    assert.deepEqual((await flagged).filter((x) => x !== '\\Recent'), ['\\Flagged']);
    await client.logout();
  });
});
