// FETCH over IMAP: every data item, sections of a multipart message, partials, HEADER.FIELDS,
// BINARY, implicit \Seen, UID FETCH, MSN errors and large FETCH streaming.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { inject, rawMessage } from '../helpers/inject.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser, type TestUser } from '../helpers/users.ts';

const MULTIPART = Buffer.from([
  'From: =?utf-8?q?J=C3=B6rg?= <joerg@example.org>',
  'To: alice@example.com, Bob <bob@example.com>',
  'Cc: carol@example.net',
  'Subject: Parts and pieces',
  'Date: Tue, 1 Mar 2022 10:00:00 +0100',
  'Message-ID: <parts@example.org>',
  'X-Folded: first',
  '\tsecond',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="XX"',
  '',
  'preamble',
  '--XX',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Gr=C3=BC=C3=9Fe aus K=C3=B6ln',
  '--XX',
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from([0, 1, 2, 3, 255, 0, 10]).toString('base64'),
  '--XX',
  'Content-Type: message/rfc822',
  '',
  'From: inner@example.org',
  'Subject: Inner',
  '',
  'Inner body',
  '--XX--',
  '',
].join('\r\n'));

describe('imap fetch', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let alice: TestUser;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    alice = await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.append('INBOX', MULTIPART, { date: '01-Mar-2022 09:00:00 +0000' });
    await c.append('INBOX', message('Second'), { flags: '\\Seen' });
    await c.exec('SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  /** `* 1 FETCH (label {n}CRLF text)` with n counted */
  const lit = (label: string, text: string) => `* 1 FETCH (${label} {${Buffer.byteLength(text)}}\r\n${text})`;
  const fetchOne = async (cmd: string) => {
    const r = await c.exec(cmd);
    assert.equal(r.status, 'OK', r.line);
    assert.equal(r.units.length, 1, r.untagged.join('\n'));
    return r.units[0].bytes;
  };

  it('BODY[] and RFC822 are the exact appended bytes', async () => {
    const a = await fetchOne('FETCH 1 BODY.PEEK[]');
    const prefix = Buffer.from(`* 1 FETCH (BODY[] {${MULTIPART.length}}\r\n`);
    assert.deepEqual(a, Buffer.concat([prefix, MULTIPART, Buffer.from(')')]));
    const b = await fetchOne('UID FETCH 1 (RFC822.SIZE RFC822.HEADER)');
    const header = MULTIPART.subarray(0, MULTIPART.indexOf('\r\n\r\n') + 4);
    assert.deepEqual(b, Buffer.concat([Buffer.from(`* 1 FETCH (UID 1 RFC822.SIZE ${MULTIPART.length} RFC822.HEADER {${header.length}}\r\n`),
      header, Buffer.from(')')]));
  });

  it('RFC822, RFC822.TEXT and SAVEDATE', async () => {
    const second = (await c.exec('UID FETCH 2 BODY.PEEK[]')).units[0].bytes;
    const raw = second.subarray(second.indexOf('}\r\n') + 3, second.length - 1);
    const r = await fetchOne('FETCH 2 (RFC822 RFC822.TEXT SAVEDATE)');
    const text = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    assert.deepEqual(r.subarray(0, r.indexOf(' SAVEDATE')), Buffer.concat([Buffer.from(`* 2 FETCH (RFC822 {${raw.length}}\r\n`), raw,
      Buffer.from(` RFC822.TEXT {${text.length}}\r\n`), text]));
    assert.match(r.toString('latin1'), / SAVEDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000"\)$/);
  });

  it('FLAGS, INTERNALDATE, UID, ENVELOPE and BODYSTRUCTURE', async () => {
    const r = (await fetchOne('FETCH 1 (FLAGS INTERNALDATE UID ENVELOPE)')).toString('latin1');
    assert.equal(r, '* 1 FETCH (FLAGS (\\Recent) INTERNALDATE "01-Mar-2022 09:00:00 +0000" UID 1 ENVELOPE ' +
      '("Tue, 1 Mar 2022 10:00:00 +0100" "Parts and pieces" (("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.org")) ' +
      '(("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.org")) (("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.org")) ' +
      '((NIL NIL "alice" "example.com") ("Bob" NIL "bob" "example.com")) ((NIL NIL "carol" "example.net")) NIL NIL "<parts@example.org>"))');
    const bs = (await fetchOne('FETCH 1 BODYSTRUCTURE')).toString('latin1');
    assert.match(bs, /^\* 1 FETCH \(BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "QUOTED-PRINTABLE" 29 \d+ .*\) \("APPLICATION" "OCTET-STREAM" .* "BASE64" .*\("MESSAGE" "RFC822" .*"MIXED" \("BOUNDARY" "XX"\)/);
    const body = (await fetchOne('FETCH 1 BODY')).toString('latin1');
    assert.match(body, /^\* 1 FETCH \(BODY \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "QUOTED-PRINTABLE" 29 \d+\)/);
  });

  it('sections: parts, MIME, HEADER.FIELDS (.NOT), TEXT, encapsulated messages', async () => {
    const text = (s: Buffer) => s.toString('latin1');
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[1]')), lit('BODY[1]', 'Gr=C3=BC=C3=9Fe aus K=C3=B6ln'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[1.MIME]')),
      lit('BODY[1.MIME]', 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[HEADER.FIELDS (subject X-FOLDED)]')),
      lit('BODY[HEADER.FIELDS (subject X-FOLDED)]', 'Subject: Parts and pieces\r\nX-Folded: first\r\n\tsecond\r\n\r\n'));
    const not = text(await fetchOne('FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Cc Date Message-ID MIME-Version Content-Type X-Folded)]'));
    assert.equal(not, lit('BODY[HEADER.FIELDS.NOT (From To Cc Date Message-ID MIME-Version Content-Type X-Folded)]', 'Subject: Parts and pieces\r\n\r\n'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[3.HEADER]')), lit('BODY[3.HEADER]', 'From: inner@example.org\r\nSubject: Inner\r\n\r\n'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[3.TEXT]')), lit('BODY[3.TEXT]', 'Inner body'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[3.1]')), lit('BODY[3.1]', 'Inner body'));
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[9]')), '* 1 FETCH (BODY[9] NIL)');
    const whole = text(await fetchOne('FETCH 1 BODY.PEEK[TEXT]'));
    assert.ok(whole.startsWith('* 1 FETCH (BODY[TEXT] {') && whole.includes('preamble\r\n--XX'));
  });

  it('partials <offset.length>, also past the end', async () => {
    const text = (s: Buffer) => s.toString('latin1');
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[]<6.4>')), '* 1 FETCH (BODY[]<6> {4}\r\n=?ut)');
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[1]<26.100>')), '* 1 FETCH (BODY[1]<26> {3}\r\n6ln)');
    assert.equal(text(await fetchOne('FETCH 1 BODY.PEEK[]<100000.10>')), '* 1 FETCH (BODY[]<100000> {0}\r\n)');
  });

  it('BINARY decodes transfer encodings; BINARY.SIZE', async () => {
    const bin = await fetchOne('FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1])');
    const expectBin = Buffer.from([0, 1, 2, 3, 255, 0, 10]);
    const utf = Buffer.from('Grüße aus Köln', 'utf8');
    assert.deepEqual(bin, Buffer.concat([Buffer.from('* 1 FETCH (BINARY[2] ~{7}\r\n'), expectBin,
      Buffer.from(` BINARY.SIZE[2] 7 BINARY[1] {${utf.length}}\r\n`), utf, Buffer.from(')')]));
  });

  it('UID, FLAGS, MODSEQ, INTERNALDATE and RFC822.SIZE alone take the bulk path, byte for byte as the general one', async () => {
    // a header field no message has makes the general path answer the same items plus an empty BODY[…]
    const extra = ' BODY[HEADER.FIELDS (X-NONE)] {2}\r\n\r\n)';
    const isFetch = (t: string) => /^\* \d+ FETCH /.test(t);
    const general = async (client: ImapClient, cmd: string) => (await client.exec(cmd.replace(/\)$/, ' BODY.PEEK[HEADER.FIELDS (X-NONE)])')))
      .units.map((u) => u.bytes.toString('latin1')).filter(isFetch).map((t) => (t.endsWith(extra) ? t.slice(0, -extra.length) + ')' : t));
    const bulk = async (client: ImapClient, cmd: string) => (await client.exec(cmd)).units.map((u) => u.bytes.toString('latin1')).filter(isFetch);
    await c.exec('STORE 2 +FLAGS ($Label1 Work \\Flagged)');
    const cmd = 'FETCH 1:* (RFC822.SIZE FLAGS UID INTERNALDATE)';
    const b = await bulk(c, cmd);
    assert.equal(b.length, 2);
    assert.match(b[1], /^\* 2 FETCH \(RFC822.SIZE \d+ FLAGS \(\\Seen \\Flagged \$Label1 Work \\Recent\) UID 2 INTERNALDATE "[^"]+"\)$/);
    assert.deepEqual(b, await general(c, cmd));
    assert.deepEqual(await bulk(c, 'UID FETCH 1:* (FLAGS)'), await general(c, 'UID FETCH 1:* (FLAGS)'));
    // CONDSTORE in a second session (it would change later STORE answers here): MODSEQ, CHANGEDSINCE
    const c2 = await ImapClient.connect(server.imapPort);
    try {
      await c2.login('alice', 'secret');
      await c2.exec('SELECT INBOX');
      const m = await bulk(c2, 'UID FETCH 1:* (FLAGS MODSEQ)');
      assert.match(m[1], /^\* 2 FETCH \(UID 2 FLAGS \(\\Seen \\Flagged \$Label1 Work\) MODSEQ \(\d+\)\)$/);
      assert.deepEqual(m, await general(c2, 'UID FETCH 1:* (FLAGS MODSEQ)'));
      const modseq = Number(/MODSEQ \((\d+)\)/.exec(m[1])?.[1]);
      const since = `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq - 1})`;
      const cs = (await c2.exec(since)).untagged;
      assert.deepEqual(cs, [m[1]]);
      assert.deepEqual(cs, (await c2.exec(`UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (X-NONE)]) (CHANGEDSINCE ${modseq - 1})`))
        .untagged.map((t) => t.replace(' BODY[HEADER.FIELDS (X-NONE)] {2}\r\n\r\n MODSEQ', ' MODSEQ')));
    } finally {
      await c2.close();
    }
    await c.exec('STORE 2 -FLAGS ($Label1 Work \\Flagged)');
  });

  it('a non-PEEK body fetch sets \\Seen and reports FLAGS; PEEK does not', async () => {
    assert.doesNotMatch((await fetchOne('FETCH 1 (BODY.PEEK[1] FLAGS)')).toString('latin1'), /\\Seen/);
    const r = (await fetchOne('FETCH 1 BODY[1]')).toString('latin1');
    assert.match(r, /^\* 1 FETCH \(BODY\[1\] \{29\}\r\n.*FLAGS \(\\Seen \\Recent\)\)$/s);
    assert.match((await fetchOne('FETCH 1 FLAGS')).toString('latin1'), /\\Seen/);
    await c.exec('STORE 1 -FLAGS (\\Seen)');
    await c.exec('EXAMINE INBOX');
    const ro = (await fetchOne('FETCH 1 (RFC822.TEXT FLAGS)')).toString('latin1');
    assert.doesNotMatch(ro, /\\Seen/);
    await c.exec('SELECT INBOX');
  });

  it('answers BAD for sequence numbers beyond EXISTS, nothing for unknown UIDs', async () => {
    assert.equal((await c.exec('FETCH 5 FLAGS')).status, 'BAD');
    const r = await c.exec('UID FETCH 5:9 FLAGS');
    assert.equal(r.status, 'OK');
    assert.deepEqual(r.untagged, []);
    const star = await c.exec('UID FETCH 9:* UID');
    assert.deepEqual(star.untagged, ['* 2 FETCH (UID 2)']);
    assert.equal((await c.exec('FETCH 1 (BOGUS)')).status, 'BAD');
  });

  it('streams FETCH over thousands of messages in batches', async function () {
    this.timeout(30_000);
    await c.exec('CREATE Big');
    const box = (await db.admin.query(`select id from mail.mailboxes where owner = $1 and name = 'Big'`, [alice.id])).rows[0].id as number;
    const raws = Array.from({ length: 1200 }, (_, i) => rawMessage(`bulk ${i}`, `body ${i}\r\n`));
    await inject(db.api, alice.id, raws, raws.map((_, i) => ({ m: i + 1, b: box })));
    await c.exec('SELECT Big');
    const r = await c.exec('FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)])');
    assert.equal(r.status, 'OK');
    assert.equal(r.untagged.length, 1200);
    assert.match(r.untagged[1199], /^\* 1200 FETCH \(UID 1200 RFC822.SIZE \d+ BODY\[HEADER.FIELDS \(Subject\)\] \{\d+\}\r\nSubject: bulk 1199\r\n\r\n\)$/);
  });

  it('imapflow fetches and downloads', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    await client.mailboxOpen('INBOX');
    const msgs = [];
    for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, source: true })) msgs.push(m);
    assert.equal(msgs.length, 2);
    assert.equal(msgs[0].envelope?.subject, 'Parts and pieces');
    assert.deepEqual(msgs[0].source, MULTIPART);
    const part = await client.download('1', '2', { uid: true });
    const chunks: Buffer[] = [];
    assert.ok(part.content);
    for await (const ch of part.content) chunks.push(ch as Buffer);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from([0, 1, 2, 3, 255, 0, 10]));
    await client.logout();
  });
});
