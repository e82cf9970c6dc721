// CATENATE (RFC 4469) and non-synchronizing literals (RFC 7888) over IMAP: messages built from
// TEXT literals and IMAP URLs (RFC 5092) of messages or their parts, stored byte-exact; BADURL for
// malformed, stale, missing or unreadable URLs (with the ACL read right deciding); TRYCREATE
// before BADURL; TOOBIG above APPENDLIMIT; MULTIAPPEND with CATENATE all or nothing.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

const FIRST = Buffer.from('From: a@example.com\r\nSubject: one\r\n\r\nHello \xe9 body\r\n', 'latin1');
const MULTI = Buffer.from([
  'From: b@example.com', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=XX', '',
  '--XX', 'Content-Type: text/plain', '', 'part one', '--XX', 'Content-Type: text/x-two', '', 'part two',
  '--XX--', '',
].join('\r\n'));

/** `{n+}` CRLF bytes: a non-synchronizing literal, as the client may send without waiting. */
function lit(bytes: Buffer | string): Buffer {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
  return Buffer.concat([Buffer.from(`{${b.length}+}\r\n`), b]);
}

function cmd(...pieces: Array<string | Buffer>): Buffer {
  return Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1'))));
}

describe('imap catenate', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  let uidvalidity = 0;

  const body = async (mailbox: string, uid: number): Promise<Buffer> => {
    await c.exec(`EXAMINE "${mailbox}"`);
    const f = await c.exec(`UID FETCH ${uid} BODY.PEEK[]`);
    assert.equal(f.status, 'OK', f.line);
    const u = f.units[0].bytes;
    const start = u.indexOf('}\r\n') + 3;
    return u.subarray(start, u.length - 1);
  };
  const appended = (line: string): number => {
    const m = /\[APPENDUID \d+ (\d+)\]/.exec(line);
    assert.ok(m, line);
    return Number(m[1]);
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off', appendlimit: '3000' });
    await createUser(db.admin, 'alice', 'secret');
    await createUser(db.admin, 'bob', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    await c.exec('CREATE Src');
    await c.exec('CREATE Dst');
    assert.equal((await c.append('Src', FIRST)).status, 'OK');
    assert.equal((await c.append('Src', MULTI)).status, 'OK');
    const st = await c.exec('STATUS Src (UIDVALIDITY)');
    uidvalidity = Number(/UIDVALIDITY (\d+)/.exec(st.untagged[0])?.[1]);
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises CATENATE and LITERAL+', async () => {
    const cap = (await c.exec('CAPABILITY')).untagged[0].split(' ');
    assert.ok(cap.includes('CATENATE'));
    assert.ok(cap.includes('LITERAL+'));
  });

  it('joins TEXT literals and URL parts byte for byte', async () => {
    const r = await c.exec(cmd('APPEND Dst (\\Seen) CATENATE (TEXT ', lit('X-New: yes\r\n'),
      ` URL "/Src;UIDVALIDITY=${uidvalidity}/;UID=1/;SECTION=HEADER" URL "/Src/;UID=2/;SECTION=1"`,
      ' TEXT ', lit('\r\n--\r\n'), ' URL "/Src/;UID=1/;SECTION=TEXT" URL "/Src/;UID=2/;SECTION=2.MIME"',
      ' URL "/Src/;UID=1/;PARTIAL=6.4" URL "/Src/;UID=1/;SECTION=TEXT/;PARTIAL=100000.5")'));
    assert.equal(r.status, 'OK', r.line);
    const header = FIRST.subarray(0, FIRST.indexOf('\r\n\r\n') + 4);
    const expected = Buffer.concat([Buffer.from('X-New: yes\r\n'), header, Buffer.from('part one'), Buffer.from('\r\n--\r\n'),
      FIRST.subarray(header.length), Buffer.from('Content-Type: text/x-two\r\n\r\n'), FIRST.subarray(6, 10)]);
    assert.deepEqual(await body('Dst', appended(r.line)), expected);
  });

  it('takes absolute URLs for the logged-in user and whole messages without a section', async () => {
    const r = await c.exec(`APPEND Dst CATENATE (URL "imap://alice@localhost/Src/;UID=2")`);
    assert.equal(r.status, 'OK', r.line);
    assert.deepEqual(await body('Dst', appended(r.line)), MULTI);
    const other = await c.exec(`APPEND Dst CATENATE (URL "imap://bob@localhost/Src/;UID=2")`);
    assert.match(other.line, /^\S+ NO \[BADURL imap:\/\/bob@localhost\/Src\/;UID=2\]/);
  });

  it('answers NO [BADURL] for malformed, stale and missing URLs, and stores nothing', async () => {
    const before = (await c.exec('STATUS Dst (MESSAGES)')).untagged[0];
    for (const url of [
      `/Src;UIDVALIDITY=${uidvalidity + 1}/;UID=1`, '/Src/;UID=99', '/Nope/;UID=1', '/Src/;UID=1/;SECTION=7',
      '/Src/;UID=1/;SECTION=BOGUS', 'Src/;UID=1', '/Src/;UID=0', '/Src/;UID=1/;URLAUTH=x', '/Src%ZZ/;UID=1',
    ]) {
      const r = await c.exec(cmd('APPEND Dst CATENATE (TEXT ', lit('A: b\r\n\r\n'), ` URL "${url}")`));
      assert.equal(r.status, 'NO', `${url}: ${r.line}`);
      assert.ok(r.line.includes(`[BADURL ${url}]`), r.line);
    }
    assert.equal((await c.exec('STATUS Dst (MESSAGES)')).untagged[0], before);
  });

  it('says TRYCREATE for a missing target before looking at the URLs', async () => {
    const r = await c.exec('APPEND Missing CATENATE (URL "/Src;UIDVALIDITY=1/;UID=1")');
    assert.match(r.line, /^\S+ NO \[TRYCREATE\]/);
  });

  it('answers NO [TOOBIG] when the assembled message exceeds APPENDLIMIT', async () => {
    const filler = 'x'.repeat(1450);
    const r = await c.exec(cmd('APPEND Dst CATENATE (TEXT ', lit(filler), ' URL "/Src/;UID=2" TEXT ', lit(filler), ')'));
    assert.match(r.line, /^\S+ NO \[TOOBIG\]/);
  });

  it('MULTIAPPEND with CATENATE stores all or nothing', async () => {
    const before = (await c.exec('STATUS Dst (MESSAGES)')).untagged[0];
    const bad = await c.exec('APPEND Dst CATENATE (URL "/Src/;UID=1") CATENATE (URL "/Src/;UID=42")');
    assert.match(bad.line, /^\S+ NO \[BADURL \/Src\/;UID=42\]/);
    assert.equal((await c.exec('STATUS Dst (MESSAGES)')).untagged[0], before);
    const good = await c.exec(cmd('APPEND Dst CATENATE (URL "/Src/;UID=1") ', lit(MULTI)));
    assert.match(good.line, /^\S+ OK \[APPENDUID \d+ (\d+):(\d+)\]/);
  });

  it('URLs into another user\'s mailbox need the read right', async () => {
    const b = await ImapClient.connect(server.imapPort);
    await b.login('bob', 'secret');
    await b.exec('CREATE Shared');
    assert.equal((await b.append('Shared', FIRST)).status, 'OK');
    const url = '/Other%20Users/bob/Shared/;UID=1';
    const denied = await c.exec(`APPEND Dst CATENATE (URL "${url}")`);
    assert.match(denied.line, /^\S+ NO \[BADURL /);
    // lookup alone does not let a user read messages
    await b.exec('SETACL Shared alice l');
    assert.match((await c.exec(`APPEND Dst CATENATE (URL "${url}")`)).line, /^\S+ NO \[BADURL /);
    await b.exec('SETACL Shared alice lr');
    const ok = await c.exec(`APPEND Dst CATENATE (URL "${url}")`);
    assert.equal(ok.status, 'OK', ok.line);
    assert.deepEqual(await body('Dst', appended(ok.line)), FIRST);
    await b.close();
  });

  it('takes non-synchronizing literals of any size up to the limits (LITERAL+), and TOOBIG beyond', async () => {
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(2900, 'y')]);
    const r = await c.exec(cmd('APPEND Dst ', lit(big)));
    assert.equal(r.status, 'OK', r.line);
    // beyond LITERAL-'s 4096 bytes: LITERAL+ takes it without a continuation
    await c.exec('SELECT Dst');
    const search = await c.exec(cmd('SEARCH TEXT ', lit(Buffer.alloc(5000, 'q'))));
    assert.equal(search.status, 'OK', search.line);
    assert.ok(!search.units.some((u) => u.text.startsWith('+')), 'no continuation request');
    // a 1 MiB + 1 search string is beyond what any non-APPEND literal may be: tagged BAD [TOOBIG],
    // the literal read and dropped, and the next command found where the client put it
    const tag = c.nextTag();
    c.write(cmd(`${tag} SEARCH TEXT `, lit(Buffer.alloc(1024 * 1024 + 1, 'z')), '\r\n'));
    const s = await c.result(tag);
    assert.match(s.line, /^\S+ BAD \[TOOBIG\]/);
    assert.equal((await c.exec('NOOP')).status, 'OK');
  });
});
