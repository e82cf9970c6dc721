// QUOTA (RFC 9208) through the real server: GETQUOTA, GETQUOTAROOT, SETQUOTA by administrators,
// [OVERQUOTA] on APPEND and COPY, imapflow's getQuota, and use-imap-quota = off.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap QUOTA', () => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: ImapClient;
  let root: ImapClient;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    await createUser(db.admin, 'alice', 'secret', 'alice@example.com', ['Archive']);
    await createUser(db.admin, 'admin', 'secret');
    await db.admin.query(`select admin.user_set_admin('admin', true)`);
    alice = await ImapClient.connect(server.imapPort);
    await alice.login('alice', 'secret');
    root = await ImapClient.connect(server.imapPort);
    await root.login('admin', 'secret');
  });
  after(async () => {
    await alice?.close();
    await root?.close();
    await server?.close();
    await db?.drop();
  });

  it('advertises QUOTA, its resources and QUOTASET', async () => {
    const cap = (await alice.exec('CAPABILITY')).untagged[0].split(' ');
    for (const x of ['QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE', 'QUOTASET']) assert.ok(cap.includes(x), x);
  });

  it('reports no quota root while nothing is limited (RFC 9208 quota-list has one resource at least)', async () => {
    const r = await alice.exec('GETQUOTAROOT INBOX');
    assert.equal(r.status, 'OK', r.line);
    assert.deepEqual(r.untagged, ['* QUOTAROOT "INBOX"']);
    const g = await alice.exec('GETQUOTA ""');
    assert.equal(g.status, 'OK', g.line);
    assert.deepEqual(g.untagged, []);
  });

  it('reports usage in KiB and messages against the limits', async () => {
    const m = message('quota one', 'x'.repeat(3000));
    await alice.append('INBOX', m);
    await db.admin.query(`select admin.quota_set('alice', 100, 10)`);
    const r = await alice.exec('GETQUOTAROOT Archive');
    assert.deepEqual(r.untagged, ['* QUOTAROOT "Archive" ""', `* QUOTA "" (STORAGE ${Math.ceil(m.length / 1024)} 100 MESSAGE 1 10)`]);
    const g = await alice.exec('GETQUOTA ""');
    assert.deepEqual(g.untagged, [`* QUOTA "" (STORAGE ${Math.ceil(m.length / 1024)} 100 MESSAGE 1 10)`]);
  });

  it('refuses unknown roots and mailboxes', async () => {
    const r = await alice.exec('GETQUOTA "Other Users/admin"');
    assert.equal(r.status, 'NO');
    assert.equal((await alice.exec('GETQUOTA nosuchroot')).status, 'NO');
    assert.equal((await alice.exec('GETQUOTAROOT NoSuchBox')).status, 'NO');
  });

  it('lets only administrators SETQUOTA', async () => {
    const denied = await alice.exec('SETQUOTA "" (STORAGE 1000)');
    assert.equal(denied.status, 'NO');
    assert.match(denied.line, /\[NOPERM\]/);
    const set = await root.exec('SETQUOTA "Other Users/alice" (MESSAGE 1)');
    assert.equal(set.status, 'OK', set.line);
    assert.deepEqual(set.untagged, ['* QUOTA "Other Users/alice" (MESSAGE 1 1)']);
    assert.deepEqual((await root.exec('GETQUOTA "Other Users/alice"')).untagged, ['* QUOTA "Other Users/alice" (MESSAGE 1 1)']);
    const unsupported = await root.exec('SETQUOTA "Other Users/alice" (MAILBOX 3)');
    assert.equal(unsupported.status, 'NO');
    assert.equal((await root.exec('SETQUOTA "Other Users/alice" (STORAGE 1 STORAGE 2)')).status, 'BAD');
  });

  it('answers APPEND and COPY over quota with [OVERQUOTA]', async () => {
    const ap = await alice.append('INBOX', message('too many'));
    assert.equal(ap.status, 'NO');
    assert.match(ap.line, /\[OVERQUOTA\]/);
    await alice.exec('SELECT INBOX');
    const cp = await alice.exec('COPY 1 Archive');
    assert.equal(cp.status, 'NO');
    assert.match(cp.line, /\[OVERQUOTA\]/);
    const lifted = await root.exec('SETQUOTA "Other Users/alice" ()');
    assert.equal(lifted.status, 'OK', lifted.line);
    assert.deepEqual(lifted.untagged, []);
    assert.equal((await alice.exec('COPY 1 Archive')).status, 'OK');
    assert.deepEqual((await alice.exec('GETQUOTA ""')).untagged, []);
  });

  it('works with imapflow', async () => {
    await db.admin.query(`select admin.quota_set('alice', 2048, null)`);
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    try {
      const q = await client.getQuota('INBOX');
      assert.ok(q, 'quota returned');
      assert.equal(q.path, 'INBOX');
      assert.equal(q.storage?.limit, 2048 * 1024);
      assert.ok((q.storage?.usage ?? 0) > 0);
      assert.equal(q.messages, undefined);
    } finally {
      await client.logout();
    }
  });

  describe('with use-imap-quota = off', () => {
    let off: TestServer;
    let c: ImapClient;
    before(async () => {
      off = await startTestServer(db, { 'use-imap-quota': 'off' });
      await db.admin.query(`select admin.quota_set('alice', 1, 1)`);
      c = await ImapClient.connect(off.imapPort);
      await c.login('alice', 'secret');
    });
    after(async () => {
      await c?.close();
      await off?.close();
    });

    it('neither advertises nor answers the QUOTA commands', async () => {
      assert.ok(!(await c.exec('CAPABILITY')).untagged[0].split(' ').some((x) => x.startsWith('QUOTA')));
      assert.equal((await c.exec('GETQUOTAROOT INBOX')).status, 'BAD');
      assert.equal((await c.exec('GETQUOTA ""')).status, 'BAD');
    });

    it('does not enforce quotas', async () => {
      assert.equal((await c.append('INBOX', message('over the limit', 'y'.repeat(5000)))).status, 'OK');
    });
  });
});
