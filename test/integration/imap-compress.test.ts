// COMPRESS=DEFLATE (RFC 4978) over real sockets, with a raw client that deflates with node:zlib
// (test/helpers/imap-client.ts startCompression) and with imapflow, which compresses whenever the
// server offers it: on clear, STARTTLS and implicit-TLS connections, a second COMPRESS refused,
// IDLE pushes and big literals in both directions, and the line limit still enforced.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

/** A message of about `size` bytes that compresses well (repeated text lines). */
function bigMessage(size: number): Buffer {
  const line = 'The quick brown fox jumps over the lazy dog, again and again.\r\n';
  const body = line.repeat(Math.ceil(size / line.length));
  return message('big', body);
}

async function compressed(c: ImapClient): Promise<void> {
  const r = await c.exec('COMPRESS DEFLATE');
  assert.equal(r.status, 'OK', r.line);
  c.startCompression();
}

describe('imap COMPRESS=DEFLATE', () => {
  let db: TestDatabase;
  let server: TestServer;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-imaps': 'on', 'imaps-port': '0' });
    await createUser(db.admin, 'alice', 'secret');
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it('is offered after authentication only, and refused before it', async () => {
    const c = await ImapClient.connect(server.imapPort);
    assert.doesNotMatch(c.greeting, /COMPRESS=DEFLATE/);
    assert.equal((await c.exec('COMPRESS DEFLATE')).status, 'BAD');
    const login = await c.login('alice', 'secret');
    assert.match(login.line, /COMPRESS=DEFLATE/);
    assert.equal((await c.exec('COMPRESS GZIP')).status, 'BAD');
    assert.equal((await c.exec('COMPRESS')).status, 'BAD');
    await c.close();
  });

  it('compresses both directions; a second COMPRESS is NO [COMPRESSIONACTIVE]', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await compressed(c);
    const cap = await c.exec('CAPABILITY');
    assert.equal(cap.status, 'OK');
    assert.match(cap.untagged[0], /^\* CAPABILITY IMAP4rev1 /);
    assert.doesNotMatch(cap.untagged[0], /COMPRESS=DEFLATE/);
    const again = await c.exec('COMPRESS DEFLATE');
    assert.equal(again.status, 'NO');
    assert.match(again.line, /\[COMPRESSIONACTIVE\]/);
    // the session goes on normally
    assert.equal((await c.exec('SELECT INBOX')).status, 'OK');
    assert.equal((await c.exec('LOGOUT')).status, 'OK');
  });

  it('carries a big literal in and a big FETCH out, byte-exact, and fewer bytes on the wire', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('CREATE Big');
    await compressed(c);
    const big = bigMessage(3 * 1024 * 1024);
    const inBefore = c.wireBytesIn;
    const outBefore = c.wireBytesOut;
    const r = await c.append('Big', big);
    assert.equal(r.status, 'OK', r.line);
    // a non-synchronizing literal too, and a command pipelined behind it
    c.write(Buffer.concat([Buffer.from(`P1 APPEND Big {${big.length}+}\r\n`), big, Buffer.from('\r\nP2 NOOP\r\n')]));
    assert.equal((await c.result('P1')).status, 'OK');
    assert.equal((await c.result('P2')).status, 'OK');
    await c.exec('SELECT Big');
    const f = await c.exec('FETCH 1:2 BODY.PEEK[]');
    assert.equal(f.status, 'OK');
    for (const u of f.units) {
      const head = Buffer.from(`* ${u.text.slice(2, 3)} FETCH (BODY[] {${big.length}}\r\n`);
      assert.deepEqual(u.bytes.subarray(head.length, head.length + big.length), big);
    }
    assert.ok(c.wireBytesOut - outBefore < big.length / 4, `sent ${c.wireBytesOut - outBefore} bytes`);
    assert.ok(c.wireBytesIn - inBefore < big.length / 4, `received ${c.wireBytesIn - inBefore} bytes`);
    await c.close();
  });

  it('flushes what IDLE pushes, so the client sees EXISTS while idling', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('CREATE Watched');
    await compressed(c);
    await c.exec('SELECT Watched');
    c.write('I1 IDLE\r\n');
    assert.match((await c.next()).text, /^\+ /);
    const other = await ImapClient.connect(server.imapPort);
    await other.login('alice', 'secret');
    await other.append('Watched', message('while idling'));
    const got = await c.waitFor(/EXISTS/, 10_000);
    assert.equal(got.unit.text, '* 1 EXISTS');
    c.write('DONE\r\n');
    assert.equal((await c.result('I1')).status, 'OK');
    await other.close();
    await c.close();
  });

  it('still enforces the line limit inside the compressed stream', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await compressed(c);
    c.write(`L1 NOOP ${'x'.repeat(100 * 1024)}\r\nL2 NOOP\r\n`);
    const bad = await c.next();
    assert.match(bad.text, /^\* BAD \[LIMIT\]/);
    assert.equal((await c.result('L2')).status, 'OK');
    await c.close();
  });

  it('acts on a compressed command the client sent just before closing', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('CREATE Last');
    await compressed(c);
    const m = message('last words');
    c.endWith(Buffer.concat([Buffer.from(`Z1 APPEND Last {${m.length}+}\r\n`), m, Buffer.from('\r\n')]));
    const other = await ImapClient.connect(server.imapPort);
    await other.login('alice', 'secret');
    let status = '';
    for (let i = 0; i < 200 && !status.includes('MESSAGES 1'); i++) {
      status = (await other.exec('STATUS Last (MESSAGES)')).untagged[0];
      if (!status.includes('MESSAGES 1')) await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(status, /MESSAGES 1\)/);
    await other.close();
  });

  it('closes the connection on a corrupt deflate stream, and the server goes on', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    const r = await c.exec('COMPRESS DEFLATE');
    assert.equal(r.status, 'OK');
    // not deflate data: an invalid block type
    c.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0d, 0x0a]));
    await assert.rejects(c.next(10_000), /connection closed/);
    const d = await ImapClient.connect(server.imapPort);
    assert.equal((await d.exec('NOOP')).status, 'OK');
    await d.close();
  });

  it('works after STARTTLS and on the implicit-TLS port', async () => {
    const s = await ImapClient.connect(server.imapPort);
    assert.equal((await s.exec('STARTTLS')).status, 'OK');
    await s.startTls();
    await s.login('alice', 'secret');
    await compressed(s);
    assert.equal((await s.exec('LIST "" INBOX')).untagged.length, 1);
    await s.close();

    const port = server.ports.imaps;
    assert.ok(port);
    const t = await ImapClient.connect(port, { tls: true });
    await t.login('alice', 'secret');
    await compressed(t);
    const big = bigMessage(200 * 1024);
    assert.equal((await t.append('INBOX', big)).status, 'OK');
    const st = await t.exec('STATUS INBOX (MESSAGES)');
    assert.match(st.untagged[0], /MESSAGES \d+/);
    await t.close();
  });

  it('imapflow negotiates COMPRESS (clear and implicit TLS) and appends and fetches over it', async () => {
    for (const secure of [false, true]) {
      const client = new ImapFlow({ host: '127.0.0.1', port: secure ? server.ports.imaps ?? 0 : server.imapPort, secure,
        logger: false, auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
      await client.connect();
      assert.ok((client as unknown as { _deflate: unknown })._deflate, 'imapflow compresses');
      const box = `Flow${secure ? 'S' : 'P'}`;
      await client.mailboxCreate(box);
      const big = bigMessage(500 * 1024);
      await client.append(box, big);
      const lock = await client.getMailboxLock(box);
      try {
        const { content } = await client.download('1');
        assert.ok(content);
        const parts: Buffer[] = [];
        for await (const p of content) parts.push(p as Buffer);
        assert.deepEqual(Buffer.concat(parts), big);
      } finally {
        lock.release();
      }
      await client.logout();
    }
  });
});
