// What the IMAP server does with hostile or unlucky input: garbage, over-long lines, commands in
// the wrong state, idle timeouts, database failures and a restarted LISTEN connection. It answers,
// resynchronises or says BYE, and it never crashes.
import assert from 'node:assert/strict';
import pg from 'pg';
import sinon from 'sinon';
import { sessionTiming } from '../../frontend/imap/session.ts';
import { MAX_LINE } from '../../frontend/net/limits.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap robustness', () => {
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
  afterEach(() => sinon.restore());

  it('answers garbage with BAD and says BYE after too many bad commands in a row', async () => {
    const c = await ImapClient.connect(server.imapPort);
    c.write('GET / HTTP/1.1\r\n');
    assert.match((await c.next()).text, /^GET BAD /);
    c.write('\r\n');
    assert.match((await c.next()).text, /^\* BAD /);
    assert.equal((await c.exec('FETCH 1 FLAGS')).status, 'BAD');
    assert.equal((await c.exec('NOOP')).status, 'OK');
    for (let i = 0; i < 9; i++) {
      const r = await c.exec(`BOGUS${i}`);
      assert.equal(r.status, 'BAD');
    }
    assert.equal((await c.exec('BOGUS-LAST')).status, 'BAD');
    assert.match((await c.next()).text, /^\* BYE Too many invalid commands/);
    await assert.rejects(c.next(2000), /closed/);
  });

  it('answers an over-long line with BAD and reads the next command normally', async () => {
    const c = await ImapClient.connect(server.imapPort);
    c.write(`L1 NOOP ${'x'.repeat(MAX_LINE + 10)}\r\nL2 NOOP\r\n`);
    const first = await c.next();
    assert.match(first.text, /^\* BAD \[LIMIT\]/);
    assert.equal((await c.result('L2')).status, 'OK');
    // longer than several buffers' worth, arriving in pieces
    c.write(`L3 NOOP ${'y'.repeat(MAX_LINE * 3)}`);
    await new Promise((r) => setTimeout(r, 20));
    c.write(`${'z'.repeat(1000)}\r\nL4 CAPABILITY\r\n`);
    assert.match((await c.next()).text, /^\* BAD \[LIMIT\]/);
    assert.equal((await c.result('L4')).status, 'OK');
    await c.close();
  });

  it('says BYE Autologout to a silent client', async () => {
    sinon.replace(sessionTiming, 'idleTimeoutUnauthenticatedMs', 150);
    const c = await ImapClient.connect(server.imapPort);
    const bye = await c.next(3000);
    assert.match(bye.text, /^\* BYE .*Autologout/i);
    await assert.rejects(c.next(2000), /closed/);
  });

  it('turns a failing database call into NO [UNAVAILABLE] and carries on', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    const pool = server.context.db.pool;
    const real = pool.query.bind(pool) as (...a: unknown[]) => unknown;
    let failures = 1;
    sinon.replace(pool, 'query', ((...args: unknown[]) => {
      if (failures-- > 0) return Promise.reject(new Error('Connection terminated unexpectedly'));
      return real(...args);
    }) as typeof pool.query);
    const r = await c.exec('STATUS INBOX (MESSAGES)');
    assert.equal(r.status, 'NO');
    assert.match(r.line, /\[UNAVAILABLE\]/);
    assert.equal((await c.exec('STATUS INBOX (MESSAGES)')).status, 'OK');
    await c.close();
  });

  it('answers NO [SERVERBUG] when a command fails unexpectedly, and the session goes on', async () => {
    const c = await ImapClient.connect(server.imapPort);
    await c.login('alice', 'secret');
    const db2 = server.context.db;
    sinon.replace(db2, 'call', (() => Promise.reject(new TypeError('bug'))) as typeof db2.call);
    const r = await c.exec('SELECT INBOX');
    assert.match(r.line, /NO \[SERVERBUG\]/);
    sinon.restore();
    assert.equal((await c.exec('SELECT INBOX')).status, 'OK');
    await c.close();
  });

  it('survives PostgreSQL dropping its connections, and IDLE resumes after the listener reconnects', async function () {
    this.timeout(20_000);
    const watcher = await ImapClient.connect(server.imapPort);
    await watcher.login('alice', 'secret');
    await watcher.exec('SELECT INBOX');
    const actor = await ImapClient.connect(server.imapPort);
    await actor.login('alice', 'secret');
    const sup = new pg.Client({ ...JSON.parse(process.env.AOX_TEST_SERVER ?? '{}').superuser, database: db.name });
    await sup.connect();
    await sup.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and usename = 'aox' and pid <> pg_backend_pid()`, [db.name]);
    await sup.end();
    // the first command after the drop may fail with UNAVAILABLE; then everything works again
    const first = await actor.exec('SELECT INBOX');
    assert.ok(first.status === 'OK' || /UNAVAILABLE/.test(first.line), first.line);
    if (first.status !== 'OK') assert.equal((await actor.exec('SELECT INBOX')).status, 'OK');
    watcher.write('W1 IDLE\r\n');
    await watcher.next();
    await new Promise((r) => setTimeout(r, 500));
    let appended = await actor.append('INBOX', message('after the restart'));
    if (appended.status !== 'OK') appended = await actor.append('INBOX', message('after the restart'));
    assert.equal(appended.status, 'OK', appended.line);
    const seen = await watcher.waitFor(/EXISTS/, 10_000);
    assert.match(seen.unit.text, /^\* \d+ EXISTS$/);
    watcher.write('DONE\r\n');
    assert.equal((await watcher.result('W1')).status, 'OK');
    await watcher.close();
    await actor.close();
  });
});
