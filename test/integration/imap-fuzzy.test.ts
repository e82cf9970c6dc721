// SEARCH=FUZZY (RFC 6203): FUZZY matches strings by trigram similarity where the exact search
// finds nothing, RELEVANCY scores in ESEARCH and ESORT, the RELEVANCY sort key, and the BAD for
// RELEVANCY without FUZZY.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap SEARCH=FUZZY (RFC 6203)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let c: ImapClient;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    for (const subject of ['Help wanted', 'Hello world', 'Goodbye']) await c.append('INBOX', message(subject));
    await c.exec('SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await server?.close();
    await db?.drop();
  });

  it('is advertised', async () => {
    assert.match((await c.exec('CAPABILITY')).untagged[0], / SEARCH=FUZZY( |$)/);
  });

  it('FUZZY finds near misses that the exact search does not', async () => {
    assert.deepEqual((await c.exec('UID SEARCH SUBJECT helo')).untagged, ['* SEARCH']);
    assert.deepEqual((await c.exec('UID SEARCH FUZZY SUBJECT helo')).untagged, ['* SEARCH 1 2']);
    // only the key FUZZY wraps is fuzzy (§3)
    assert.deepEqual((await c.exec('UID SEARCH FUZZY SUBJECT helo SUBJECT world')).untagged, ['* SEARCH 2']);
    assert.deepEqual((await c.exec('UID SEARCH FUZZY SUBJECT hello')).untagged, ['* SEARCH 1 2']);
  });

  it('returns RELEVANCY scores in result order, best match highest', async () => {
    const r = await c.exec('UID SEARCH RETURN (ALL RELEVANCY) FUZZY SUBJECT helo');
    const m = /^\* ESEARCH \(TAG "\w+"\) UID ALL 1:2 RELEVANCY \((\d+) (\d+)\)$/.exec(r.untagged[0]);
    assert.ok(m, r.untagged[0]);
    const [help, hello] = [Number(m[1]), Number(m[2])];
    assert.ok(hello > help && help >= 1 && hello <= 100, r.untagged[0]);
    const exact = await c.exec('UID SEARCH RETURN (COUNT RELEVANCY) FUZZY SUBJECT goodbye');
    assert.match(exact.untagged[0], /COUNT 1 RELEVANCY \(100\)$/);
  });

  it('sorts by RELEVANCY, highest first, and ESORT returns the scores in sort order', async () => {
    assert.deepEqual((await c.exec('UID SORT (RELEVANCY) UTF-8 FUZZY SUBJECT helo')).untagged, ['* SORT 2 1']);
    assert.deepEqual((await c.exec('UID SORT (REVERSE RELEVANCY) UTF-8 FUZZY SUBJECT helo')).untagged, ['* SORT 1 2']);
    const r = await c.exec('UID SORT RETURN (ALL RELEVANCY) (RELEVANCY) UTF-8 FUZZY SUBJECT helo');
    const m = /UID ALL 2,1 RELEVANCY \((\d+) (\d+)\)$/.exec(r.untagged[0]);
    assert.ok(m && Number(m[1]) > Number(m[2]), r.untagged[0]);
  });

  it('refuses RELEVANCY without a FUZZY key', async () => {
    assert.equal((await c.exec('SEARCH RETURN (RELEVANCY) SUBJECT hello')).status, 'BAD');
    assert.equal((await c.exec('SORT (RELEVANCY) UTF-8 SUBJECT hello')).status, 'BAD');
    assert.equal((await c.exec('SORT RETURN (RELEVANCY) (DATE) UTF-8 ALL')).status, 'BAD');
  });
});
