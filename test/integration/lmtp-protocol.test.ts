// LMTP protocol transcripts: greeting and LHLO, command sequence, syntax, pipelining, DATA
// transparency, BDAT, size limits, garbage and timeouts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { LmtpClient } from '../helpers/lmtp-client.ts';
import { Connection } from '../../frontend/net/connection.ts';
import { LmtpSession } from '../../frontend/lmtp/session.ts';

const RECEIVED_END = /^Received: [^]*?\r\n\t[^\r\n]*\d\d:\d\d:\d\d \+0000\r\n/;

describe('lmtp: protocol', () => {
  let db: TestDatabase;
  let server: TestServer;
  let small: TestServer;
  let alice: TestUser;

  const lastStored = async (mailbox = alice.inbox): Promise<Buffer> =>
    (await db.admin.query('select m.raw from mail.mailbox_messages mm join mail.messages m on m.id = mm.message ' +
      'where mm.mailbox = $1 order by mm.uid desc limit 1', [mailbox])).rows[0].raw;
  const afterReceived = (raw: Buffer): Buffer => {
    const m = RECEIVED_END.exec(raw.toString('latin1'));
    assert.ok(m, 'stored message starts with a Received field');
    return raw.subarray(m[0].length);
  };
  const ready = async (port = server.lmtpPort): Promise<LmtpClient> => {
    const c = await LmtpClient.connect(port);
    await c.command('LHLO mx.example.com');
    return c;
  };

  before(async () => {
    db = await createTestDatabase();
    // no TLS: LMTP does not offer it, and making a certificate takes a while
    server = await startTestServer(db, { 'use-tls': 'off' });
    small = await startTestServer(db, { appendlimit: '1000', 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'pw', 'alice@example.com');
    await createUser(db.admin, 'bob', 'pw', 'bob@example.com');
  });
  after(async () => {
    await server?.close();
    await small?.close();
    await db?.drop();
  });

  it('greets with 220 and lists the extensions in the LHLO reply', async () => {
    const c = await LmtpClient.connect(server.lmtpPort);
    assert.equal(c.greeting?.text, '220 localhost LMTP server ready');
    const r = await c.command('LHLO mx.example.com');
    assert.equal(r.code, 250);
    assert.deepEqual(r.lines, ['localhost', 'PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'BINARYMIME',
      'CHUNKING', 'SMTPUTF8', 'SIZE 104857600']);
    assert.equal((await c.command('NOOP')).text, '250 2.0.0 OK');
    assert.equal((await c.command('VRFY alice')).code, 252);
    assert.equal((await c.command('QUIT')).code, 221);
    await c.closed();
  });

  it('refuses HELO and EHLO with 500 and a bad LHLO name with 501', async () => {
    const c = await LmtpClient.connect(server.lmtpPort);
    assert.equal((await c.command('HELO mx.example.com')).text, '500 5.5.1 This is an LMTP server: use LHLO');
    assert.equal((await c.command('EHLO mx.example.com')).code, 500);
    assert.equal((await c.command('LHLO')).text.slice(0, 9), '501 5.5.4');
    assert.equal((await c.command('LHLO bad(name)')).code, 501);
    assert.equal((await c.command('LHLO [127.0.0.1]')).code, 250);
    c.close();
  });

  it('answers 503 5.5.1 to commands out of sequence', async () => {
    const c = await LmtpClient.connect(server.lmtpPort);
    assert.equal((await c.command('MAIL FROM:<a@example.net>')).text, '503 5.5.1 Send LHLO first');
    await c.command('LHLO mx.example.com');
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).text, '503 5.5.1 Need MAIL before RCPT');
    assert.equal((await c.command('DATA')).code, 503);
    await c.command('MAIL FROM:<>');
    assert.equal((await c.command('MAIL FROM:<a@example.net>')).text, '503 5.5.1 Nested MAIL command');
    assert.equal((await c.command('DATA')).text, '503 5.5.1 No valid recipients');
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 250);
    assert.equal((await c.command('RSET')).code, 250);
    assert.equal((await c.command('DATA')).code, 503);
    c.close();
  });

  it('answers 501, 553 and 555 to bad arguments', async () => {
    const c = await ready();
    assert.equal((await c.command('MAIL FROM:a@example.net')).text.slice(0, 9), '501 5.5.4');
    assert.equal((await c.command('MAIL FROM:<a@example.net> SIZE=big')).text.slice(0, 9), '501 5.5.4');
    assert.equal((await c.command('MAIL FROM:<a@example.net> BODY=9BIT')).text.slice(0, 9), '501 5.5.4');
    assert.equal((await c.command('MAIL FROM:<a@example.net> RET=FULL')).text, '555 5.5.4 Unsupported parameter RET');
    assert.equal((await c.command('MAIL FROM:<not an address>')).text, '553 5.1.3 Bad address syntax');
    assert.equal((await c.command('MAIL FROM:<ü@example.net>')).text.slice(0, 9), '553 5.6.7');
    assert.equal((await c.command('MAIL FROM:<@relay.example:a@example.net>')).code, 250, 'source route ignored');
    assert.equal((await c.command('RCPT TO:<alice@example.com> NOTIFY=NEVER')).code, 555);
    assert.equal((await c.command('RCPT TO:<alice@@example.com>')).code, 553);
    assert.equal((await c.command('RCPT TO:<"alice"@example.com>')).code, 250, 'quoted local part');
    assert.equal((await c.command('RCPT TO: <bob@example.com>')).code, 250, 'space after the colon tolerated');
    assert.equal((await c.command('RCPT TO:<ü@example.com>')).code, 553, 'UTF-8 needs SMTPUTF8');
    c.close();
  });

  it('accepts UTF-8 addresses with SMTPUTF8 and says UTF8LMTP in Received', async () => {
    const c = await ready();
    assert.equal((await c.command('MAIL FROM:<jörg@example.net> SMTPUTF8 BODY=8BITMIME')).code, 250);
    assert.equal((await c.command('RCPT TO:<ümlaut@example.com>')).code, 550);
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 250);
    await c.command('DATA');
    c.send('Subject: caf\u00e9\r\n\r\nbody\r\n.\r\n');
    assert.equal((await c.reply()).code, 250);
    assert.match((await lastStored()).toString('utf8'), /^Received: from mx\.example\.com[^]*with UTF8LMTP id /);
    c.close();
  });

  it('answers pipelined commands in order', async () => {
    const c = await LmtpClient.connect(server.lmtpPort);
    c.send('LHLO mx.example.com\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<alice@example.com>\r\n' +
      'RCPT TO:<nobody@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
    const replies = await c.replies(6);
    assert.deepEqual(replies.map((r) => r.code), [250, 250, 250, 550, 250, 354]);
    c.send('Subject: pipelined\r\n\r\nHi\r\n.\r\nRSET\r\nNOOP\r\n');
    assert.deepEqual((await c.replies(4)).map((r) => r.code), [250, 250, 250, 250]);
    c.close();
  });

  it('removes transparency dots and stores every other byte as sent', async () => {
    const c = await ready();
    await c.command('MAIL FROM:<a@example.net> BODY=8BITMIME');
    await c.command('RCPT TO:<alice@example.com>');
    assert.equal((await c.command('DATA')).code, 354);
    const lines = ['From: a@example.net', 'Subject: dots', '', '.', '..', '...three', '.leading', 'middle . dot',
      'tab\there', 'latin-1 \xe9\xe8', 'bare CR \r inside', '', '', 'end'];
    const message = Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
    const stuffed = Buffer.from(lines.map((l) => (l.startsWith('.') ? '.' + l : l)).join('\r\n') + '\r\n.\r\n', 'latin1');
    c.send(stuffed);
    assert.equal((await c.reply()).code, 250);
    assert.ok(afterReceived(await lastStored()).equals(message));
    c.close();
  });

  it('stores lines that arrived with a bare LF as sent, not as CRLF', async () => {
    const c = await ready();
    await c.command('MAIL FROM:<a@example.net>');
    await c.command('RCPT TO:<alice@example.com>');
    assert.equal((await c.command('DATA')).code, 354);
    const message = Buffer.from('From: a@example.net\nSubject: bare LF\n\nline one\n.dot after LF\r\n' +
      'CRLF line\r\nCR LF apart\r\r\nlast bare\n', 'latin1');
    c.send(Buffer.concat([message.subarray(0, 47), Buffer.from('.'), message.subarray(47), Buffer.from('.\r\n')]));
    assert.equal((await c.reply()).code, 250);
    assert.ok(afterReceived(await lastStored()).equals(message));

    // a "." line ending in a bare LF ends the data too
    await c.command('MAIL FROM:<a@example.net>');
    await c.command('RCPT TO:<alice@example.com>');
    assert.equal((await c.command('DATA')).code, 354);
    c.send('Subject: ends bare\n\nbody\n.\n');
    assert.equal((await c.reply()).code, 250);
    assert.ok(afterReceived(await lastStored()).equals(Buffer.from('Subject: ends bare\n\nbody\n')));
    c.close();
  });

  it('takes BDAT chunks byte-exact, LAST and 0 LAST included', async () => {
    const c = await ready();
    await c.command('MAIL FROM:<a@example.net> BODY=BINARYMIME');
    await c.command('RCPT TO:<alice@example.com>');
    await c.command('RCPT TO:<bob@example.com>');
    const part1 = Buffer.from('Subject: chunks\r\n\r\n.dot kept\nbare LF\r\n');
    const part2 = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x2e, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a]);
    c.send(Buffer.concat([Buffer.from(`BDAT ${part1.length}\r\n`), part1, Buffer.from(`BDAT ${part2.length}\r\n`), part2]));
    assert.deepEqual((await c.replies(2)).map((r) => r.text), [`250 2.0.0 ${part1.length} octets received`, `250 2.0.0 ${part2.length} octets received`]);
    c.send('BDAT 0 LAST\r\n');
    const [a, b] = await c.replies(2);
    assert.match(a.text, /^250 2\.0\.0 <alice@example\.com> Delivered/);
    assert.match(b.text, /^250 2\.0\.0 <bob@example\.com> Delivered/);
    assert.ok(afterReceived(await lastStored()).equals(Buffer.concat([part1, part2])));
    // one chunk with LAST
    await c.command('MAIL FROM:<a@example.net>');
    await c.command('RCPT TO:<alice@example.com>');
    const whole = Buffer.from('Subject: one chunk\r\n\r\nx\r\n');
    c.send(Buffer.concat([Buffer.from(`BDAT ${whole.length} LAST\r\n`), whole]));
    assert.equal((await c.reply()).code, 250);
    assert.ok(afterReceived(await lastStored()).equals(whole));
    c.close();
  });

  it('consumes a refused BDAT chunk and refuses DATA with BINARYMIME', async () => {
    const c = await ready();
    const chunk = 'NOOP\r\nQUIT\r\n';
    c.send(`BDAT ${chunk.length} LAST\r\n${chunk}`);
    assert.equal((await c.reply()).text, '503 5.5.1 Need MAIL command');
    assert.equal((await c.command('NOOP')).code, 250, 'the chunk was not taken for commands');
    await c.command('MAIL FROM:<a@example.net> BODY=BINARYMIME');
    c.send(`BDAT ${chunk.length}\r\n${chunk}`);
    assert.equal((await c.reply()).text, '503 5.5.1 No valid recipients');
    await c.command('RCPT TO:<alice@example.com>');
    assert.equal((await c.command('DATA')).text, '503 5.5.1 BODY=BINARYMIME requires BDAT');
    c.send('BDAT 2\r\nab');
    assert.equal((await c.reply()).code, 250);
    assert.equal((await c.command('DATA')).text, '503 5.5.1 DATA after BDAT');
    assert.equal((await c.command('RCPT TO:<bob@example.com>')).text, '503 5.5.1 RCPT after BDAT');
    c.close();
  });

  it('enforces the size limit: SIZE=, DATA read to the end, BDAT', async () => {
    const c = await ready(small.lmtpPort);
    const lhlo = await c.command('LHLO mx.example.com');
    assert.ok(lhlo.lines.includes('SIZE 1000'));
    assert.equal((await c.command('MAIL FROM:<a@example.net> SIZE=1001')).text,
      '552 5.3.4 Message size exceeds fixed maximum message size');
    await c.command('MAIL FROM:<a@example.net> SIZE=900');
    await c.command('RCPT TO:<alice@example.com>');
    await c.command('RCPT TO:<bob@example.com>');
    await c.command('DATA');
    const longLine = 'y'.repeat(70_000);
    c.send(`Subject: big\r\n\r\n${'x'.repeat(80)}\r\n`.repeat(20) + longLine + '\r\n.\r\n');
    const replies = await c.replies(2);
    assert.deepEqual(replies.map((r) => r.text), [
      '552 5.3.4 <alice@example.com> Message size exceeds fixed maximum message size',
      '552 5.3.4 <bob@example.com> Message size exceeds fixed maximum message size']);
    assert.equal((await c.command('NOOP')).code, 250, 'the rest of the data was consumed');
    await c.command('MAIL FROM:<a@example.net>');
    await c.command('RCPT TO:<alice@example.com>');
    c.send(`BDAT 600\r\n${'a'.repeat(600)}BDAT 600\r\n${'b'.repeat(600)}BDAT 10 LAST\r\n${'c'.repeat(10)}`);
    const [first, second, third] = await c.replies(3);
    assert.equal(first.code, 250);
    assert.equal(second.code, 552);
    assert.equal(third.code, 503, 'chunks after a failed one are discarded');
    assert.equal((await c.command('NOOP')).code, 250);
    c.close();
  });

  it('answers 500 to garbage and long lines, and 421 after too many errors', async () => {
    const c = await ready();
    assert.equal((await c.command('XYZZY')).text, '500 5.5.2 Syntax error, command unrecognized');
    c.send('z'.repeat(200_000) + '\r\n');
    assert.equal((await c.reply()).text, '500 5.5.2 Line too long');
    assert.equal((await c.command('NOOP')).code, 250, 'the session goes on after a long line');
    c.send('GET / HTTP/1.1\r\n'.repeat(10));
    const replies = await c.replies(11);
    assert.equal(replies[9].code, 500);
    assert.equal(replies[10].text, '421 4.7.0 localhost Too many errors, closing connection');
    await c.closed();
  });

  it('says 421 4.3.2 to connected clients when the server shuts down', async () => {
    const other = await startTestServer(db, { 'use-tls': 'off' });
    const c = await ready(other.lmtpPort);
    await c.command('MAIL FROM:<a@example.net>');
    await other.close();
    assert.equal((await c.reply()).text, '421 4.3.2 localhost Server shutting down');
    await c.closed();
  });

  it('closes an idle connection with 421 4.4.2', async () => {
    let listener: Server | null = null;
    try {
      listener = createServer((socket) => {
        void new LmtpSession(server.context, new Connection(socket), { idleTimeoutMs: 150 }).run();
      });
      await new Promise<void>((r) => listener!.listen(0, '127.0.0.1', r));
      const port = (listener.address() as { port: number }).port;
      const c = await LmtpClient.connect(port);
      await c.command('LHLO mx.example.com');
      const r = await c.reply(2000);
      assert.equal(r.text, '421 4.4.2 localhost Idle timeout, closing connection');
      await c.closed();
    } finally {
      listener?.close();
    }
  });
});
