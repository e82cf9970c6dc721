// CONDSTORE and QRESYNC (RFC 7162) over IMAP: HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE
// UNCHANGEDSINCE with [MODIFIED], SELECT (QRESYNC …) with VANISHED (EARLIER), UID FETCH VANISHED,
// and VANISHED instead of EXPUNGE.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Session } from '../../frontend/imap/session.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

const modseqOf = (lines: string[]) => Number(/HIGHESTMODSEQ (\d+)/.exec(lines.join('\n'))?.[1]);

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

describe('imap condstore and qresync', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let other: ImapClient;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    other = await ImapClient.connect(server.imapPort);
    await other.login('alice', 'secret');
    for (let i = 1; i <= 6; i++) await c.append('INBOX', message(`m${i}`));
  });
  after(async () => {
    await c?.close();
    await other?.close();
    await server?.close();
    await db?.drop();
  });

  it('SELECT (CONDSTORE), FETCH MODSEQ and CHANGEDSINCE', async () => {
    const sel = await c.exec('SELECT INBOX (CONDSTORE)');
    const m0 = modseqOf(sel.untagged);
    assert.ok(m0 > 0);
    await other.exec('SELECT INBOX');
    const st = await other.exec('STORE 2 +FLAGS.SILENT (\\Flagged)');
    assert.equal(st.status, 'OK');
    const f = await c.exec(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${m0})`);
    const fetches = f.untagged.filter((u) => / FETCH /.test(u));
    assert.equal(fetches.length, 1, f.untagged.join('\n'));
    assert.match(fetches[0], /^\* 2 FETCH \((UID 2 )?FLAGS \(\\Flagged( \\Recent)?\)( UID 2)? MODSEQ \((\d+)\)\)$/);
    const all = await c.exec('FETCH 1:2 (MODSEQ)');
    assert.match(all.untagged[0], /^\* 1 FETCH \(MODSEQ \(\d+\)\)$/);
  });

  it('STORE UNCHANGEDSINCE fails for messages changed since, with [MODIFIED]', async () => {
    const f = await c.exec('FETCH 3:4 (MODSEQ)');
    const m3 = Math.max(...f.untagged.map((u) => Number(/MODSEQ \((\d+)\)/.exec(u)?.[1])));
    await other.exec('STORE 3 +FLAGS.SILENT ($Other)');
    const r = await c.exec(`STORE 3:4 (UNCHANGEDSINCE ${m3}) +FLAGS (\\Seen)`);
    assert.equal(r.status, 'OK');
    assert.match(r.line, /OK \[MODIFIED 3\]/);
    assert.ok(r.untagged.some((u) => /^\* 4 FETCH \(UID 4 FLAGS \(\\Seen.*\) MODSEQ \(\d+\)\)$/.test(u)), r.untagged.join('\n'));
    const zero = await c.exec('UID STORE 4 (UNCHANGEDSINCE 0) +FLAGS (\\Answered)');
    assert.match(zero.line, /OK \[MODIFIED 4\]/);
  });

  it('SEARCH MODSEQ returns the highest modseq of the matches', async () => {
    const r = await c.exec('SEARCH MODSEQ 1 FLAGGED');
    assert.match(r.untagged.find((u) => u.startsWith('* SEARCH')) ?? '', /^\* SEARCH 2 \(MODSEQ \d+\)$/);
  });

  it('SELECT (QRESYNC) reports VANISHED (EARLIER) and changed flags since the client\'s modseq', async () => {
    assert.equal((await c.exec('SELECT INBOX (QRESYNC (1 1))')).status, 'BAD');
    assert.deepEqual((await c.exec('ENABLE QRESYNC')).untagged, ['* ENABLED QRESYNC']);
    const sel = await c.exec('SELECT INBOX');
    const validity = Number(/UIDVALIDITY (\d+)/.exec(sel.untagged.join('\n'))?.[1]);
    const since = modseqOf(sel.untagged);
    await c.exec('UNSELECT');
    await other.exec('STORE 5 +FLAGS (\\Deleted)');
    await other.exec('EXPUNGE');
    await other.exec('STORE 1 +FLAGS (\\Answered)');
    const q = await c.exec(`SELECT INBOX (QRESYNC (${validity} ${since} 1:6))`);
    assert.equal(q.status, 'OK', q.line);
    assert.ok(q.untagged.includes('* VANISHED (EARLIER) 5'), q.untagged.join('\n'));
    assert.ok(q.untagged.some((u) => /^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\) MODSEQ \(\d+\)\)$/.test(u)), q.untagged.join('\n'));
    assert.ok(!q.untagged.some((u) => /^\* [2-4] FETCH/.test(u)));
    // a wrong UIDVALIDITY gets a plain SELECT
    const plain = await c.exec(`SELECT INBOX (QRESYNC (${validity + 1} ${since}))`);
    assert.ok(!plain.untagged.some((u) => /VANISHED|FETCH/.test(u)));
  });

  it('UID FETCH (CHANGEDSINCE … VANISHED) and VANISHED instead of EXPUNGE', async () => {
    const sel = await c.exec('SELECT INBOX');
    const since = modseqOf(sel.untagged);
    await other.exec('STORE 1 +FLAGS (\\Deleted)');
    await other.exec('EXPUNGE');
    await notified(server);
    // another session's expunge: reported once, as VANISHED, after a UID command
    const n = await c.exec('UID FETCH 1:* UID');
    assert.deepEqual(n.untagged.filter((u) => u.startsWith('* VANISHED')), ['* VANISHED 1']);
    await c.exec('STORE 1 +FLAGS.SILENT (\\Deleted)');
    const e = await c.exec('EXPUNGE');
    assert.match(e.untagged[0], /^\* VANISHED 2$/);
    assert.match(e.line, /OK \[HIGHESTMODSEQ \d+\]/);
    const f = await c.exec(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${since} VANISHED)`);
    assert.equal(f.untagged[0], '* VANISHED (EARLIER) 1:2');
    assert.equal((await c.exec(`FETCH 1 (FLAGS) (CHANGEDSINCE ${since} VANISHED)`)).status, 'BAD');
  });

  it('imapflow opens a mailbox with QRESYNC and sees HIGHESTMODSEQ', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false, qresync: true,
      auth: { user: 'alice', pass: 'secret' } });
    await client.connect();
    const box = await client.mailboxOpen('INBOX');
    assert.ok(box.highestModseq && box.highestModseq > 0n);
    assert.ok(client.enabled.has('QRESYNC'));
    const changed = [];
    for await (const m of client.fetch('1:*', { flags: true }, { changedSince: 1n })) changed.push(m);
    assert.ok(changed.length > 0 && changed.every((m) => typeof m.modseq === 'bigint'));
    await client.logout();
  });
});
