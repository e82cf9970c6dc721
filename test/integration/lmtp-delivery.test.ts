// LMTP delivery end to end: nodemailer in LMTP mode and raw transcripts against the real server,
// checking what the database holds afterwards (as the owner role).
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import pg from 'pg';
import sinon from 'sinon';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { LmtpClient } from '../helpers/lmtp-client.ts';
import { LineClient } from '../helpers/pop3-client.ts';

const RECEIVED = /^Received: from mx\.example\.com \(\[127\.0\.0\.1\]\)\r\n\tby localhost \(aox\) with LMTP id [0-9a-z]+\r\n(?:\tfor <[^>]+>;\r\n)?\t(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000\r\n/;

function message(subject: string, body = 'Hello.\r\n'): Buffer {
  return Buffer.from(`From: sender@example.net\r\nTo: someone@example.com\r\nSubject: ${subject}\r\n` +
    `Message-ID: <${subject.replace(/\W/g, '')}.${Date.now()}@example.net>\r\n\r\n${body}`);
}

describe('lmtp: delivery', () => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let listsBox: number;

  const stored = async (mailbox: number): Promise<Array<{ uid: number; message: number; raw: Buffer }>> =>
    (await db.admin.query('select mm.uid, mm.message, m.raw from mail.mailbox_messages mm join mail.messages m on m.id = mm.message ' +
      'where mm.mailbox = $1 order by mm.uid', [mailbox])).rows.map((r) => ({ ...r, message: Number(r.message) }));
  const messageCount = async (): Promise<number> =>
    Number((await db.admin.query('select count(*) as n from mail.messages')).rows[0].n);

  /** A raw session that has said LHLO and MAIL FROM. */
  const transaction = async (port = server.lmtpPort, from = 'sender@example.net'): Promise<LmtpClient> => {
    const c = await LmtpClient.connect(port);
    assert.equal((await c.command('LHLO mx.example.com')).code, 250);
    assert.equal((await c.command(`MAIL FROM:<${from}>`)).code, 250);
    return c;
  };

  before(async () => {
    db = await createTestDatabase();
    // no TLS: LMTP does not offer it, and making a certificate takes a while
    server = await startTestServer(db, { 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'pw', 'alice@example.com');
    bob = await createUser(db.admin, 'bob', 'pw', 'Bob@Example.COM', ['Lists']);
    listsBox = (await db.admin.query(`select id from mail.mailboxes where owner = $1 and name = 'Lists'`, [bob.id])).rows[0].id;
    const { rows: [a] } = await db.admin.query(`insert into mail.addresses (localpart, domain) values ('lists', 'example.org') returning id`);
    await db.admin.query('insert into mail.aliases (address, mailbox) values ($1, $2)', [a.id, listsBox]);
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it('delivers through nodemailer: Received field, then the delivered bytes unchanged', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.lmtpPort, lmtp: true, name: 'mx.example.com' });
    const raw = message('nodemailer one', 'Line one.\r\n.Leading dot\r\n..two dots\r\n\r\nLast line, 8-bit: \u00e9\r\n');
    const info = await transport.sendMail({ envelope: { from: 'sender@example.net', to: ['alice@example.com'] }, raw });
    transport.close();
    assert.deepEqual(info.accepted, ['alice@example.com']);
    const [m] = await stored(alice.inbox);
    const match = RECEIVED.exec(m.raw.toString('latin1'));
    assert.ok(match, m.raw.toString('latin1').slice(0, 300));
    assert.ok(match[0].includes('\tfor <alice@example.com>;\r\n'));
    assert.ok(m.raw.subarray(match[0].length).equals(raw), 'stored bytes after Received equal the sent ones');
  });

  it('stores a message for several recipients once and answers each in RCPT order', async () => {
    const before = await messageCount();
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).text, '250 2.1.5 <alice@example.com> Recipient OK');
    assert.equal((await c.command('RCPT TO:<nobody@example.com>')).text, '550 5.1.1 <nobody@example.com> User unknown');
    assert.equal((await c.command('RCPT TO:<bob@example.com>')).code, 250);
    assert.equal((await c.command('RCPT TO:<lists@example.org>')).code, 250);
    assert.equal((await c.command('DATA')).code, 354);
    const raw = message('three recipients');
    c.send(Buffer.concat([raw, Buffer.from('.\r\n')]));
    const replies = await c.replies(3);
    assert.deepEqual(replies.map((r) => r.code), [250, 250, 250]);
    assert.match(replies[0].text, /^250 2\.0\.0 <alice@example\.com> /);
    assert.match(replies[1].text, /^250 2\.0\.0 <bob@example\.com> /);
    assert.match(replies[2].text, /^250 2\.0\.0 <lists@example\.org> /);
    assert.equal(await messageCount(), before + 1, 'one mail.messages row for three mailboxes');
    const [a] = (await stored(alice.inbox)).slice(-1);
    const [b] = (await stored(bob.inbox)).slice(-1);
    const [l] = (await stored(listsBox)).slice(-1);
    assert.equal(a.message, b.message);
    assert.equal(a.message, l.message);
    // one stored copy serves everybody, so the Received field names no single recipient
    assert.ok(!a.raw.toString('latin1').split('\r\n\r\n')[0].includes('\tfor <'));
    assert.ok(a.raw.subarray(a.raw.length - raw.length).equals(raw));
    c.close();
  });

  it('delivers once to a mailbox named by two recipients', async () => {
    const before = (await stored(alice.inbox)).length;
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 250);
    assert.equal((await c.command('RCPT TO:<ALICE@example.com>')).code, 250);
    await c.command('DATA');
    c.send(Buffer.concat([message('twice'), Buffer.from('.\r\n')]));
    assert.deepEqual((await c.replies(2)).map((r) => r.code), [250, 250]);
    assert.equal((await stored(alice.inbox)).length, before + 1);
    c.close();
  });

  it('reports rejected recipients to nodemailer and delivers to the rest', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.lmtpPort, lmtp: true, name: 'mx.example.com' });
    const info = await transport.sendMail({
      envelope: { from: 'sender@example.net', to: ['ghost@example.com', 'bob@example.com'] }, raw: message('mixed'),
    });
    transport.close();
    assert.deepEqual(info.accepted, ['bob@example.com']);
    assert.deepEqual(info.rejected, ['ghost@example.com']);
  });

  it('matches addresses case-insensitively and delivers to aliases', async () => {
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<BOB@example.com>')).code, 250);
    assert.equal((await c.command('RCPT TO:<Lists@EXAMPLE.org>')).code, 250);
    assert.equal((await c.command('RCPT TO:<lists@example.com>')).code, 550);
    c.close();
  });

  it('accepts <postmaster> only if postmaster@hostname exists', async () => {
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<Postmaster>')).text, '550 5.1.1 <Postmaster> User unknown');
    const { rows: [a] } = await db.admin.query(`insert into mail.addresses (localpart, domain) values ('postmaster', 'localhost') returning id`);
    await db.admin.query('insert into mail.user_addresses (usr, address) values ($1, $2)', [alice.id, a.id]);
    assert.equal((await c.command('RCPT TO:<Postmaster>')).code, 250);
    c.close();
  });

  it('ignores subaddresses only when use-subaddressing is on', async () => {
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<alice+news@example.com>')).code, 550);
    c.close();
    const sub = await startTestServer(db, { 'use-subaddressing': 'on', 'address-separator': '+', 'use-tls': 'off' });
    try {
      const before = (await stored(alice.inbox)).length;
      const s = await transaction(sub.lmtpPort);
      assert.equal((await s.command('RCPT TO:<alice+news@example.com>')).text, '250 2.1.5 <alice+news@example.com> Recipient OK');
      assert.equal((await s.command('RCPT TO:<+news@example.com>')).code, 550);
      assert.equal((await s.command('RCPT TO:<carol+x@example.com>')).code, 550);
      await s.command('DATA');
      s.send(Buffer.concat([message('subaddressed'), Buffer.from('.\r\n')]));
      assert.equal((await s.reply()).code, 250);
      const all = await stored(alice.inbox);
      assert.equal(all.length, before + 1);
      // the Received field keeps the address as the client gave it
      assert.ok(all[all.length - 1].raw.toString('latin1').includes('\tfor <alice+news@example.com>;'));
      s.close();
    } finally {
      await sub.close();
    }
  });

  it('refuses a recipient over quota with 452 4.2.2, at RCPT and after DATA', async () => {
    const carol = await createUser(db.admin, 'carol', 'pw', 'carol@example.com');
    const dave = await createUser(db.admin, 'dave', 'pw', 'dave@example.com');
    await db.admin.query('update mail.users set quota_storage = 0 where id = $1', [carol.id]);
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<carol@example.com>')).text, '452 4.2.2 <carol@example.com> Mailbox full');
    await c.command('RSET');
    // dave has room for a small message but not for this one: known only once the data is in
    await db.admin.query('update mail.users set quota_storage = 200 where id = $1', [dave.id]);
    await c.command('MAIL FROM:<sender@example.net>');
    assert.equal((await c.command('RCPT TO:<dave@example.com>')).code, 250);
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 250);
    await c.command('DATA');
    c.send(Buffer.concat([message('too big for dave', 'x'.repeat(500) + '\r\n'), Buffer.from('.\r\n')]));
    const [d, a] = await c.replies(2);
    assert.equal(d.text, '452 4.2.2 <dave@example.com> Mailbox full');
    assert.equal(a.code, 250);
    assert.equal((await stored(dave.inbox)).length, 0);
    // SIZE= lets RCPT say so at once
    await c.command('MAIL FROM:<sender@example.net> SIZE=5000');
    assert.equal((await c.command('RCPT TO:<dave@example.com>')).code, 452);
    c.close();
  });

  it('answers 451 4.3.0 to every recipient when the inject fails, and 452 4.2.2 for AXQTA', async () => {
    const db0 = server.context.db;
    const real = db0.call.bind(db0);
    const failWith = (code: string) => sinon.stub(db0, 'call').callsFake(async (fn: string, ...params: unknown[]) => {
      if (fn === 'delivery_inject') throw Object.assign(new Error('injected fault'), { code });
      return real(fn, ...params);
    });
    const before = await messageCount();
    for (const [code, expected] of [['57P01', '451 4.3.0'], ['AXQTA', '452 4.2.2']]) {
      const stub = failWith(code);
      try {
        const c = await transaction();
        await c.command('RCPT TO:<alice@example.com>');
        await c.command('RCPT TO:<bob@example.com>');
        await c.command('DATA');
        c.send(Buffer.concat([message(`fault ${code}`), Buffer.from('.\r\n')]));
        const replies = await c.replies(2);
        assert.deepEqual(replies.map((r) => r.text.slice(0, 9)), [expected, expected]);
        assert.match(replies[1].text, /<bob@example\.com>/);
        c.close();
      } finally {
        stub.restore();
      }
    }
    assert.equal(await messageCount(), before);
  });

  it('answers 451 for a mailbox that vanished between RCPT and DATA, 250 for the others', async () => {
    const erin = await createUser(db.admin, 'erin', 'pw', 'erin@example.com', ['Gone']);
    const { rows: [a] } = await db.admin.query(`insert into mail.addresses (localpart, domain) values ('gone', 'example.org') returning id`);
    const gone = (await db.admin.query(`select id from mail.mailboxes where owner = $1 and name = 'Gone'`, [erin.id])).rows[0].id;
    await db.admin.query('insert into mail.aliases (address, mailbox) values ($1, $2)', [a.id, gone]);
    const c = await transaction();
    assert.equal((await c.command('RCPT TO:<gone@example.org>')).code, 250);
    assert.equal((await c.command('RCPT TO:<erin@example.com>')).code, 250);
    await db.admin.query('update mail.mailboxes set deleted_at = now() where id = $1', [gone]);
    await c.command('DATA');
    c.send(Buffer.concat([message('vanished'), Buffer.from('.\r\n')]));
    const [g, e] = await c.replies(2);
    assert.match(g.text, /^451 4\.3\.0 <gone@example\.org>/);
    assert.equal(e.code, 250);
    assert.equal((await stored(erin.inbox)).length, 1);
    c.close();
  });

  it('wakes a LISTEN connection within 100 ms of the 250', async () => {
    const listener = new pg.Client(db.frontend);
    await listener.connect();
    try {
      await listener.query('listen aox_mailbox');
      const seen = new Promise<{ at: number; payload: string }>((resolve) => {
        listener.on('notification', (n) => { if (n.payload === String(bob.inbox)) resolve({ at: Date.now(), payload: n.payload }); });
      });
      const c = await transaction();
      await c.command('RCPT TO:<bob@example.com>');
      await c.command('DATA');
      c.send(Buffer.concat([message('notify'), Buffer.from('.\r\n')]));
      assert.equal((await c.reply()).code, 250);
      const okAt = Date.now();
      const n = await Promise.race([seen, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      assert.ok(n, 'notification received');
      assert.ok(n.at - okAt < 100, `notified ${n.at - okAt} ms after the 250`);
      c.close();
    } finally {
      await listener.end();
    }
  });

  it('shows a delivery to an IMAP client in IDLE within 100 ms', async function () {
    if (!server.imapPort) this.skip();
    const imap = await ImapRaw.connect(server.imapPort);
    try {
      await imap.ok('a1 LOGIN bob pw');
      const selected = await imap.ok('a2 SELECT INBOX');
      const exists = Number(/\* (\d+) EXISTS/.exec(selected)?.[1]);
      imap.send('a3 IDLE\r\n');
      assert.match(await imap.readLine(), /^\+ /);
      const c = await transaction();
      await c.command('RCPT TO:<bob@example.com>');
      await c.command('DATA');
      c.send(Buffer.concat([message('idle'), Buffer.from('.\r\n')]));
      assert.equal((await c.reply()).code, 250);
      const okAt = Date.now();
      const line = await imap.readLine(1000);
      const at = Date.now();
      assert.equal(line, `* ${exists + 1} EXISTS`);
      assert.ok(at - okAt < 100, `EXISTS ${at - okAt} ms after the 250`);
      imap.send('DONE\r\n');
      c.close();
    } finally {
      imap.close();
    }
  });
});

/** Just enough IMAP for the IDLE check. */
class ImapRaw extends LineClient {
  static async connect(port: number): Promise<ImapRaw> {
    const c = new ImapRaw(await LineClient.open(port));
    await c.readLine();
    return c;
  }

  /** Sends a tagged command and returns everything up to its OK. */
  async ok(command: string): Promise<string> {
    const tag = command.split(' ')[0];
    this.send(command + '\r\n');
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (line.startsWith(tag + ' ')) {
        assert.match(line, new RegExp(`^${tag} OK`));
        return lines.join('\n');
      }
    }
  }
}
