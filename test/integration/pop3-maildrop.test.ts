// POP3 TRANSACTION and UPDATE states: the snapshot, STAT/LIST/UIDL/TOP/RETR byte for byte, DELE
// applied only by QUIT, RSET, the maildrop lock, a large maildrop.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Pop3Client } from '../helpers/pop3-client.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';
import { DotStuffer } from '../../frontend/pop3/dot-stuff.ts';
import { CHUNK_BYTES, TOP_FIRST_SLICE, TopCutter } from '../../frontend/pop3/retrieve.ts';

/** What RFC 1939 says goes on the wire for a stored message (written independently of DotStuffer). */
function wire(raw: Buffer): Buffer {
  let s = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  if (s.length && !s.endsWith('\r\n')) s += '\r\n';
  return Buffer.from(s.replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}

/** The first n body lines of a stored message, as TOP sends them. */
function top(raw: Buffer, lines: number): Buffer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n') + 4;
  const body = text.slice(end).split(/(?<=\n)/).slice(0, lines).join('');
  return wire(Buffer.from(text.slice(0, end) + body, 'latin1'));
}

const MESSAGES = [
  'From: a@example.net\r\nSubject: plain\r\n\r\nHello.\r\nSecond line.\r\n',
  'From: a@example.net\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\nx.\r\n\r\n.\r\nend\r\n',
  'From: a@example.net\nSubject: bare LF\n\nline one\n.dot\nline three\n',
  'From: a@example.net\r\nSubject: no final newline\r\n\r\nlast line',
  'From: a@example.net\r\nSubject: eight bit\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9 \xfc\r\n',
].map((m) => Buffer.from(m, 'latin1'));

describe('pop3: maildrop', () => {
  let db: TestDatabase;
  let server: TestServer;

  /** Stores messages as LMTP and APPEND do; `header` parses only a header (enough for POP3) to save time. */
  async function inject(mailbox: number, raws: Buffer[], header?: Buffer): Promise<number[]> {
    const metas = raws.map((r) => JSON.stringify(messageMeta(parseMessage(header ?? r))));
    const deliveries = raws.map((_, i) => ({ m: i + 1, b: mailbox, f: [] }));
    const { rows } = await db.api.query('select uid from api.message_inject(null, $1, $2::jsonb[], $3, false)',
      [raws, metas, JSON.stringify(deliveries)]);
    return rows.map((r) => r.uid);
  }
  const inboxRows = async (mailbox: number) =>
    (await db.admin.query('select uid, seen from mail.mailbox_messages where mailbox = $1 order by uid', [mailbox])).rows;
  const login = async (u: TestUser): Promise<Pop3Client> => {
    const c = await Pop3Client.connect(server.popPort);
    assert.match(await c.login(u.login, u.password), /^\+OK Logged in/);
    return c;
  };
  const newUser = async (login: string, messages: Buffer[] = MESSAGES, header?: Buffer): Promise<TestUser> => {
    const u = await createUser(db.admin, login, 'pw');
    await inject(u.inbox, messages, header);
    return u;
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it('STAT, LIST and UIDL describe the snapshot; UIDL is <uidvalidity>.<uid>', async () => {
    const u = await newUser('stat');
    const c = await login(u);
    const total = MESSAGES.reduce((n, m) => n + m.length, 0);
    assert.equal(await c.command('STAT'), `+OK 5 ${total}`);
    const list = await c.multi('LIST');
    assert.equal(list.status, `+OK 5 messages (${total} octets)`);
    assert.deepEqual(list.lines, MESSAGES.map((m, i) => `${i + 1} ${m.length}`));
    assert.equal(await c.command('LIST 2'), `+OK 2 ${MESSAGES[1].length}`);
    assert.equal(await c.command('LIST 6'), '-ERR No such message');
    assert.equal(await c.command('LIST 0'), '-ERR No such message');
    assert.equal(await c.command('LIST x'), '-ERR Invalid argument');
    const { rows: [box] } = await db.admin.query('select uidvalidity from mail.mailboxes where id = $1', [u.inbox]);
    const uids = (await inboxRows(u.inbox)).map((r) => r.uid);
    const uidl = await c.multi('UIDL');
    assert.deepEqual(uidl.lines, uids.map((uid, i) => `${i + 1} ${box.uidvalidity}.${uid}`));
    assert.equal(await c.command('UIDL 3'), `+OK 3 ${box.uidvalidity}.${uids[2]}`);
    assert.equal(await c.command('NOOP'), '+OK');
    c.close();
  });

  it('RETR sends each stored message byte for byte, dot-stuffed, bare LF as CRLF', async () => {
    const u = await newUser('retr');
    const c = await login(u);
    for (let i = 0; i < MESSAGES.length; i++) {
      const r = await c.multi(`RETR ${i + 1}`);
      assert.equal(r.status, `+OK ${MESSAGES[i].length} octets`);
      assert.ok(r.raw.equals(wire(MESSAGES[i])), `message ${i + 1}: ${JSON.stringify(r.raw.toString('latin1'))}`);
    }
    assert.equal(await c.command('RETR 9'), '-ERR No such message');
    c.close();
  });

  it('TOP sends the header, the blank line and n body lines', async () => {
    const u = await newUser('top');
    const c = await login(u);
    for (const [n, lines] of [[1, 0], [1, 1], [2, 3], [2, 100], [4, 0], [4, 1], [5, 1]]) {
      const r = await c.multi(`TOP ${n} ${lines}`);
      assert.equal(r.status, '+OK Top of message follows');
      assert.ok(r.raw.equals(top(MESSAGES[n - 1], lines)), `TOP ${n} ${lines}: ${JSON.stringify(r.raw.toString('latin1'))}`);
    }
    assert.equal(await c.command('TOP 1'), '-ERR Invalid argument');
    c.close();
  });

  it('streams a message larger than one database slice (CHUNK_BYTES), byte for byte', async () => {
    const lines: string[] = ['From: a@example.net', 'Subject: large', ''];
    for (let i = 0, length = 0; length < 2.5 * CHUNK_BYTES; i++) {
      lines.push(i % 97 === 0 ? `.line ${i} starts with a dot` : `line ${i} ${'abcdefghij'.repeat(6)}`);
      length += lines[lines.length - 1].length + 2;
    }
    const big = Buffer.from(lines.join('\r\n') + '\r\n');
    const u = await newUser('large', [big], Buffer.from('From: a@example.net\r\nSubject: large\r\n\r\n'));
    const c = await login(u);
    const r = await c.multi('RETR 1');
    assert.equal(r.status, `+OK ${big.length} octets`);
    assert.ok(r.raw.equals(wire(big)));
    const t = await c.multi('TOP 1 2');
    assert.ok(t.raw.equals(top(big, 2)));
    // TOP reading past its smaller first slice
    const n = Math.ceil(TOP_FIRST_SLICE / 70) + 100;
    const t2 = await c.multi(`TOP 1 ${n}`);
    assert.ok(t2.raw.equals(top(big, n)));
    c.close();
  });

  it('DotStuffer and TopCutter give the same bytes however the message is sliced', () => {
    const samples = [...MESSAGES, Buffer.from('.\r\n.\n\r\n.\r.x\r'), Buffer.from('a\r'), Buffer.alloc(0)];
    for (const m of samples) {
      for (let size = 1; size <= 7; size++) {
        const s = new DotStuffer();
        const parts: Buffer[] = [];
        for (let i = 0; i < m.length; i += size) parts.push(s.push(m.subarray(i, i + size)));
        parts.push(s.end());
        const whole = new DotStuffer();
        assert.ok(Buffer.concat(parts).equals(Buffer.concat([whole.push(m), whole.end()])), `slices of ${size}`);
      }
    }
    const m = MESSAGES[1];
    const headerSize = m.indexOf('\r\n\r\n') + 4;
    for (let size = 1; size <= 9; size++) {
      const cutter = new TopCutter(headerSize, 3);
      const taken: Buffer[] = [];
      for (let i = 0; i < m.length && !cutter.done; i += size) taken.push(cutter.take(m.subarray(i, i + size), i));
      assert.equal(Buffer.concat(taken).toString(), m.subarray(0, headerSize).toString() + '.\r\n..\r\n.x\r\n');
    }
  });

  it('DELE takes effect at QUIT: to deleted_messages (reason pop3 dele), retrieved ones \\Seen', async () => {
    const u = await newUser('dele');
    const before = await inboxRows(u.inbox);
    let c = await login(u);
    const uidlBefore = (await c.multi('UIDL')).lines;
    await c.multi('RETR 1');
    await c.multi('RETR 3');
    await c.multi('TOP 4 1');
    assert.equal(await c.command('DELE 2'), '+OK Message 2 deleted');
    assert.equal(await c.command('DELE 3'), '+OK Message 3 deleted');
    assert.equal(await c.command('DELE 3'), '-ERR Message 3 already deleted');
    assert.equal(await c.command('RETR 2'), '-ERR Message 2 already deleted');
    assert.equal(await c.command('LIST 2'), '-ERR Message 2 already deleted');
    assert.deepEqual((await c.multi('LIST')).lines.map((l) => l.split(' ')[0]), ['1', '4', '5']);
    assert.match(await c.command('STAT'), /^\+OK 3 /);
    assert.equal((await inboxRows(u.inbox)).length, 5, 'nothing happens before QUIT');
    assert.equal(await c.command('QUIT'), '+OK localhost POP3 server signing off (3 messages left)');
    await c.closed();
    const after = await inboxRows(u.inbox);
    assert.deepEqual(after.map((r) => r.uid), [before[0].uid, before[3].uid, before[4].uid]);
    assert.deepEqual(after.map((r) => r.seen), [true, false, false], 'RETR marks \\Seen, TOP does not');
    const { rows: gone } = await db.admin.query(
      'select uid, reason, deleted_by from mail.deleted_messages where mailbox = $1 order by uid', [u.inbox]);
    assert.deepEqual(gone, [
      { uid: before[1].uid, reason: 'pop3 dele', deleted_by: u.id },
      { uid: before[2].uid, reason: 'pop3 dele', deleted_by: u.id },
    ]);
    c = await login(u);
    assert.deepEqual((await c.multi('UIDL')).lines.map((l) => l.split(' ')[1]),
      [uidlBefore[0], uidlBefore[3], uidlBefore[4]].map((l) => l.split(' ')[1]), 'unique ids survive the session');
    c.close();
  });

  it('a dropped connection deletes nothing; RSET unmarks', async () => {
    const u = await newUser('drop');
    let c = await login(u);
    await c.command('DELE 1');
    await c.command('DELE 2');
    assert.match(await c.command('RSET'), /^\+OK Maildrop has 5 messages/);
    assert.equal((await c.multi('LIST')).lines.length, 5);
    await c.command('DELE 1');
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await inboxRows(u.inbox)).length, 5);
    c = await login(u);
    assert.match(await c.command('STAT'), /^\+OK 5 /);
    c.close();
  });

  it('a second session for the same user gets -ERR [IN-USE] until the first ends', async () => {
    const u = await newUser('inuse');
    const first = await login(u);
    const second = await Pop3Client.connect(server.popPort);
    assert.equal(await second.login(u.login, 'pw'), '-ERR [IN-USE] Maildrop is in use by another POP3 session');
    await first.command('QUIT');
    await first.closed();
    assert.match(await second.login(u.login, 'pw'), /^\+OK Logged in/, 'the same connection may try again');
    second.close();
    await new Promise((r) => setTimeout(r, 100));
    const third = await login(u);
    third.close();
  });

  it('keeps its snapshot while mail arrives or is expunged elsewhere', async () => {
    const u = await newUser('snapshot');
    const c = await login(u);
    const uids = (await inboxRows(u.inbox)).map((r) => r.uid);
    await inject(u.inbox, [Buffer.from('Subject: later\r\n\r\nlater\r\n')]);
    await db.admin.query(`select mail.expunge_rows(null, $1, $2::int4multirange, false, 'test')`, [u.inbox, `{[${uids[0]},${uids[0] + 1})}`]);
    assert.match(await c.command('STAT'), /^\+OK 5 /);
    assert.equal(await c.command('RETR 1'), '-ERR Message 1 was removed by another session');
    assert.equal(await c.command('DELE 1'), '+OK Message 1 deleted');
    assert.equal(await c.command('DELE 2'), '+OK Message 2 deleted');
    assert.match(await c.command('QUIT'), /^\+OK /);
    await c.closed();
    const rows = await inboxRows(u.inbox);
    assert.equal(rows.length, 4, '3 of the snapshot and the new message');
    const d = await login(u);
    assert.match(await d.command('STAT'), /^\+OK 4 /);
    d.close();
  });

  it('answers pipelined commands in order', async () => {
    const u = await newUser('pipeline');
    const c = await Pop3Client.connect(server.popPort);
    c.send(`USER ${u.login}\r\nPASS pw\r\nSTAT\r\nLIST 1\r\nUIDL 1\r\nDELE 1\r\nNOOP\r\nRSET\r\nXYZ\r\n`);
    const lines = [];
    for (let i = 0; i < 9; i++) lines.push(await c.readLine());
    assert.match(lines[1], /^\+OK Logged in/);
    assert.match(lines[2], /^\+OK 5 /);
    assert.equal(lines[3], `+OK 1 ${MESSAGES[0].length}`);
    assert.match(lines[4], /^\+OK 1 \d+\.\d+$/);
    assert.deepEqual(lines.slice(5), ['+OK Message 1 deleted', '+OK', '+OK Maildrop has 5 messages (' +
      MESSAGES.reduce((n, m) => n + m.length, 0) + ' octets)', '-ERR Unknown command']);
    c.close();
  });

  it('opens a large maildrop and deletes from it in one call', async () => {
    const u = await newUser('bulk', [Buffer.from('Subject: bulk\r\n\r\nx\r\n')]);
    const N = 20_000;
    await db.admin.query(`insert into mail.mailbox_messages (mailbox, uid, message, modseq, internaldate, size)
      select $1, g, mm.message, 1, now(), mm.size from mail.mailbox_messages mm, generate_series(2, $2) g
       where mm.mailbox = $1 and mm.uid = 1`, [u.inbox, N]);
    await db.admin.query('update mail.mailboxes set uidnext = $2 + 1 where id = $1', [u.inbox, N]);
    const c = await login(u);
    assert.match(await c.command('STAT'), new RegExp(`^\\+OK ${N} `));
    assert.equal((await c.multi('LIST')).lines.length, N);
    assert.equal((await c.multi('UIDL')).lines.length, N);
    const dele = Array.from({ length: N / 2 }, (_, i) => `DELE ${2 * i + 1}\r\n`).join('');
    c.send(dele);
    for (let i = 0; i < N / 2; i++) await c.readLine();
    assert.match(await c.command('QUIT'), new RegExp(`\\(${N / 2} messages left\\)`));
    await c.closed();
    const { rows: [n] } = await db.admin.query('select count(*)::int as n from mail.deleted_messages where mailbox = $1', [u.inbox]);
    assert.equal(n.n, N / 2);
  });
});
