// SEARCH over IMAP: every RFC 3501 key, MSN and UID forms, ESEARCH return options, MODSEQ,
// OLDER/YOUNGER (WITHIN), SAVED* dates, charsets, and quoting of LIKE metacharacters.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap search', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  const search = async (criteria: string) => {
    const r = await c.exec(`UID SEARCH ${criteria}`);
    assert.equal(r.status, 'OK', `${criteria}: ${r.line}`);
    const line = r.untagged.find((u) => u.startsWith('* SEARCH'));
    assert.ok(line, r.untagged.join('\n'));
    return line.slice('* SEARCH'.length).trim();
  };
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    // uid 1
    await c.append('INBOX', message('Quarterly report', 'Numbers are up 50% this_year.\r\n',
      { From: 'Carol Finance <carol@corp.example>', Cc: 'dave@corp.example', 'X-Priority': '1' }),
    { flags: '\\Seen \\Flagged', date: '01-Jan-2020 12:00:00 +0000' });
    // uid 2
    await c.append('INBOX', message('Lunch?', 'Pizza or sushi?\r\n', { Bcc: 'eve@example.net', Date: 'Wed, 15 Jan 2020 08:00:00 +0000' }),
      { flags: '\\Answered $Work', date: '15-Jan-2020 08:00:00 +0000' });
    // uid 3
    await c.append('INBOX', message('=?utf-8?q?Gr=C3=BC=C3=9Fe?=', 'Schöne Grüße aus Köln\r\n'),
      { flags: '\\Deleted \\Draft', date: '20-Feb-2021 23:30:00 +0000' });
    // uid 4: big
    await c.append('INBOX', message('Big one', 'x'.repeat(5000) + '\r\n'), { date: '01-Mar-2021 00:00:00 +0000' });
    await c.exec('SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('flag keys and their negations', async () => {
    assert.equal(await search('SEEN'), '1');
    assert.equal(await search('UNSEEN'), '2 3 4');
    assert.equal(await search('FLAGGED'), '1');
    assert.equal(await search('UNFLAGGED'), '2 3 4');
    assert.equal(await search('ANSWERED'), '2');
    assert.equal(await search('UNANSWERED'), '1 3 4');
    assert.equal(await search('DELETED'), '3');
    assert.equal(await search('UNDELETED'), '1 2 4');
    assert.equal(await search('DRAFT'), '3');
    assert.equal(await search('UNDRAFT'), '1 2 4');
    assert.equal(await search('KEYWORD $work'), '2');
    assert.equal(await search('UNKEYWORD $Work'), '1 3 4');
    assert.equal(await search('RECENT'), '1 2 3 4');
    assert.equal(await search('NEW'), '2 3 4');
    assert.equal(await search('OLD'), '');
    assert.equal(await search('ALL'), '1 2 3 4');
  });

  it('string keys: FROM TO CC BCC SUBJECT BODY TEXT HEADER, case-insensitive substrings', async () => {
    assert.equal(await search('FROM carol'), '1');
    assert.equal(await search('FROM "FINANCE"'), '1');
    assert.equal(await search('TO alice'), '1 2 3 4');
    assert.equal(await search('CC dave'), '1');
    assert.equal(await search('BCC eve'), '2');
    assert.equal(await search('SUBJECT report'), '1');
    assert.equal(await search('SUBJECT "grüße"'), '3');
    assert.equal(await search('BODY pizza'), '2');
    assert.equal(await search('BODY "50%"'), '1');
    assert.equal(await search('BODY "up_50"'), '');
    assert.equal(await search('BODY "this_year"'), '1');
    assert.equal(await search('TEXT "Quarterly"'), '1');
    assert.equal(await search('TEXT sushi'), '2');
    assert.equal(await search('HEADER X-Priority 1'), '1');
    assert.equal(await search('HEADER X-Priority ""'), '1');
    assert.equal(await search('CHARSET UTF-8 BODY {5+}\r\nköln'), '3');
    // case-insensitive beyond ASCII (RFC 3501 §6.4.4): Ü matches ü, Ö matches ö
    assert.equal(await search('CHARSET UTF-8 SUBJECT {7+}\r\nGRÜßE'), '3');
    assert.equal(await search('CHARSET UTF-8 TEXT {7+}\r\nSCHÖNE'), '3');
    assert.equal(await search('CHARSET UTF-8 BODY {5+}\r\nKÖLN'), '3');
    assert.equal(await search('SUBJECT ""'), '1 2 3 4');
    const latin1 = await c.exec(Buffer.concat([Buffer.from('UID SEARCH CHARSET ISO-8859-1 BODY {4+}\r\n'), Buffer.from([0x4b, 0xf6, 0x6c, 0x6e])]));
    assert.deepEqual(latin1.untagged, ['* SEARCH 3']);
    const bad = await c.exec('SEARCH CHARSET X-NOSUCH BODY x');
    assert.equal(bad.status, 'NO');
    assert.match(bad.line, /BADCHARSET/);
  });

  it('dates, sizes, sequence sets, UID sets and boolean combinations', async () => {
    assert.equal(await search('BEFORE 15-Jan-2020'), '1');
    assert.equal(await search('ON 15-Jan-2020'), '2');
    assert.equal(await search('SINCE 20-Feb-2021'), '3 4');
    assert.equal(await search('SENTBEFORE 1-Jan-2000'), '1 3 4');
    assert.equal(await search('SENTON 15-Jan-2020'), '2');
    assert.equal(await search('SENTSINCE 1-Jan-2020'), '2');
    assert.equal(await search('LARGER 4000'), '4');
    assert.equal(await search('SMALLER 4000'), '1 2 3');
    assert.equal(await search('2:3'), '2 3');
    assert.equal(await search('*'), '4');
    assert.equal(await search('UID 3:*'), '3 4');
    assert.equal(await search('OR SEEN DRAFT'), '1 3');
    assert.equal(await search('NOT (OR SEEN DRAFT)'), '2 4');
    assert.equal(await search('NOT (SEEN OR DRAFT DELETED)'), '1 2 3 4');
    assert.equal(await search('(FROM carol) (SUBJECT report) SEEN'), '1');
    assert.equal(await search('SAVEDSINCE 1-Jan-2000'), '1 2 3 4');
    assert.equal(await search('SAVEDBEFORE 1-Jan-2000'), '');
    assert.equal(await search('YOUNGER 3600'), '');
    assert.equal(await search('OLDER 3600'), '1 2 3 4');
    const msn = await c.exec('SEARCH FROM carol');
    assert.deepEqual(msn.untagged, ['* SEARCH 1']);
    assert.equal((await c.exec('SEARCH BOGUS')).status, 'BAD');
  });

  it('ESEARCH return options MIN MAX COUNT ALL, and MODSEQ', async () => {
    const r = await c.exec('SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN');
    assert.match(r.untagged[0], /^\* ESEARCH \(TAG "A\d+"\) MIN 2 MAX 4 COUNT 3 ALL 2:4$/);
    const u = await c.exec('UID SEARCH RETURN () FLAGGED');
    assert.match(u.untagged[0], /^\* ESEARCH \(TAG "A\d+"\) UID ALL 1$/);
    const none = await c.exec('SEARCH RETURN (COUNT) SUBJECT nothing-matches');
    assert.match(none.untagged[0], /^\* ESEARCH \(TAG "A\d+"\) COUNT 0$/);
    const m = await c.exec('SEARCH MODSEQ 1');
    assert.match(m.untagged[0], /^\* SEARCH 1 2 3 4 \(MODSEQ \d+\)$/);
  });

  it('imapflow searches', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    await client.mailboxOpen('INBOX');
    assert.deepEqual(await client.search({ seen: false, from: 'bob' }, { uid: true }), [2, 3, 4]);
    assert.deepEqual(await client.search({ or: [{ subject: 'lunch' }, { larger: 4000 }] }), [2, 4]);
    await client.logout();
  });
});
