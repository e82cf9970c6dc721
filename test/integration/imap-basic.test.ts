// IMAP basics over raw transcripts: greeting, CAPABILITY, NOOP, LOGOUT, LOGIN, garbage handling.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap basics', () => {
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it('greets with capabilities and answers CAPABILITY, NOOP, LOGOUT', async () => {
    const c = await ImapClient.connect(server.imapPort);
    assert.match(c.greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*AUTH=PLAIN.*\] /);
    const cap = await c.exec('CAPABILITY');
    assert.equal(cap.status, 'OK');
    assert.match(cap.untagged[0], /^\* CAPABILITY IMAP4rev1 .*IDLE.*/);
    assert.equal((await c.exec('NOOP')).status, 'OK');
    const bye = await c.exec('LOGOUT');
    assert.equal(bye.status, 'OK');
    assert.match(bye.untagged[0], /^\* BYE/);
  });

  it('logs in, selects, appends and fetches', async () => {
    const c = await ImapClient.connect(server.imapPort);
    const li = await c.login('alice', 'secret');
    assert.match(li.line, /OK \[CAPABILITY /);
    const msg = message('Hello world');
    const ap = await c.append('INBOX', msg, { flags: '\\Flagged' });
    assert.equal(ap.status, 'OK', ap.line);
    assert.match(ap.line, /\[APPENDUID \d+ 1\]/);
    const sel = await c.exec('SELECT INBOX');
    assert.equal(sel.status, 'OK', sel.line);
    assert.ok(sel.untagged.includes('* 1 EXISTS'), sel.untagged.join('\n'));
    const f = await c.exec('FETCH 1 (UID FLAGS RFC822.SIZE BODY[])');
    assert.equal(f.status, 'OK', f.line);
    assert.deepEqual(f.units[0].bytes, Buffer.concat([
      Buffer.from(`* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged \\Recent) RFC822.SIZE ${msg.length} BODY[] {${msg.length}}\r\n`),
      msg, Buffer.from(')')]));
    await c.close();
  });
});
