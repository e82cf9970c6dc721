// APPEND over IMAP: flags and dates, APPENDUID, TRYCREATE, MULTIAPPEND (atomic), LITERAL+,
// a 50 MB literal stored byte-exact, APPENDLIMIT/[TOOBIG], and a connection dropped in the middle
// of a literal storing nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';

describe('imap append', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let alice: TestUser;
  const count = async (mailbox = alice.inbox) =>
    Number((await db.admin.query('select count(*) as n from mail.mailbox_messages where mailbox = $1', [mailbox])).rows[0].n);
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { appendlimit: String(60 * 1024 * 1024), 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('stores flags and INTERNALDATE and answers APPENDUID', async () => {
    const r = await c.append('INBOX', message('dated'), { flags: '\\Seen $Important', date: '14-Jul-2020 10:00:00 +0200' });
    assert.match(r.line, /^A\d+ OK \[APPENDUID (\d+) 1\]/);
    await c.exec('EXAMINE INBOX');
    const f = await c.exec('FETCH 1 (FLAGS INTERNALDATE)');
    // no session has taken it yet, so EXAMINE shows it as \Recent (without taking it)
    assert.equal(f.untagged[0], '* 1 FETCH (FLAGS (\\Seen $Important \\Recent) INTERNALDATE "14-Jul-2020 08:00:00 +0000")');
  });

  it('answers NO [TRYCREATE] for a missing mailbox', async () => {
    const r = await c.append('Nowhere', message('lost'));
    assert.equal(r.status, 'NO');
    assert.match(r.line, /\[TRYCREATE\]/);
  });

  it('MULTIAPPEND stores several messages in one command, all or nothing', async () => {
    const before = await count();
    const a = message('multi one');
    const b = message('multi two');
    const tag = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${tag} APPEND INBOX (\\Flagged) {${a.length}+}\r\n`), a,
      Buffer.from(` {${b.length}+}\r\n`), b, Buffer.from('\r\n')]));
    const r = await c.result(tag);
    assert.match(r.line, /OK \[APPENDUID \d+ (\d+):(\d+)\]/, r.line);
    assert.equal(await count(), before + 2);
    // the second message names a mailbox that does not exist: nothing is stored
    const t2 = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${t2} APPEND Nowhere {${a.length}+}\r\n`), a, Buffer.from(` {${b.length}+}\r\n`), b, Buffer.from('\r\n')]));
    assert.equal((await c.result(t2)).status, 'NO');
    assert.equal(await count(), before + 2);
  });

  it('stores a 50 MB literal byte-exact', async function () {
    this.timeout(60_000);
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-+=!\r\n';
    const body = Buffer.from(line.repeat(Math.ceil(50 * 1024 * 1024 / line.length)));
    const big = Buffer.concat([message('big', ''), body]);
    const r = await c.append('INBOX', big);
    assert.equal(r.status, 'OK', r.line);
    const uid = Number(/APPENDUID \d+ (\d+)/.exec(r.line)?.[1]);
    const stored = await db.admin.query(
      `select m.size, encode(public.digest(m.raw, 'sha256'), 'hex') as h from mail.mailbox_messages mm
         join mail.messages m on m.id = mm.message where mm.mailbox = $1 and mm.uid = $2`, [alice.inbox, uid]);
    assert.equal(stored.rows[0].size, big.length);
    assert.equal(stored.rows[0].h, createHash('sha256').update(big).digest('hex'));
  });

  it('refuses messages over APPENDLIMIT with [TOOBIG] and stays in sync', async () => {
    const before = await count();
    const tag = c.nextTag();
    c.write(`${tag} APPEND INBOX {${70 * 1024 * 1024}}\r\n`);
    const r = await c.result(tag);
    assert.equal(r.status, 'NO');
    assert.match(r.line, /\[TOOBIG\]/);
    // a non-synchronizing literal is read and thrown away, so the next command still works
    const small = 2 * 1024 * 1024;
    const t2 = c.nextTag();
    const server2 = await startTestServer(db, { appendlimit: String(1024 * 1024), 'use-pop': 'off', 'use-tls': 'off' });
    try {
      const d = await ImapClient.connect(server2.imapPort);
      await d.login('alice', 'secret');
      d.write(Buffer.concat([Buffer.from(`${t2} APPEND INBOX {${small}+}\r\n`), Buffer.alloc(small, 'x'), Buffer.from('\r\n')]));
      const r2 = await d.result(t2);
      assert.match(r2.line, /NO \[TOOBIG\]/);
      assert.equal((await d.exec('NOOP')).status, 'OK');
      assert.match(c.greeting + d.greeting, /APPENDLIMIT=1048576/);
      await d.close();
    } finally {
      await server2.close();
    }
    assert.equal(await count(), before);
  });

  it('stores nothing when the connection drops in the middle of a literal', async () => {
    const before = await count();
    const d = await ImapClient.connect(server.imapPort);
    await d.login('alice', 'secret');
    d.write('X1 APPEND INBOX {100000}\r\n');
    assert.match((await d.next()).text, /^\+ /);
    d.write(Buffer.alloc(50_000, 'a'));
    await new Promise((r) => setTimeout(r, 50));
    await d.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await count(), before);
    assert.equal((await c.exec('NOOP')).status, 'OK');
  });

  it('refuses literals over the non-APPEND limit with BAD and resynchronises', async () => {
    const n = 2 * 1024 * 1024;
    const tag = c.nextTag();
    c.write(Buffer.concat([Buffer.from(`${tag} LOGIN {${n}+}\r\n`), Buffer.alloc(n, 'u'), Buffer.from(' pw\r\n')]));
    const r = await c.result(tag);
    assert.equal(r.status, 'BAD');
    assert.equal((await c.exec('NOOP')).status, 'OK');
  });
});
