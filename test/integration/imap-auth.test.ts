// Authentication over IMAP: LOGIN, AUTHENTICATE PLAIN/LOGIN/SCRAM-SHA-256 with and without SASL-IR,
// cancelling, failure delays and the connection limit, LOGINDISABLED, STARTTLS.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import sinon from 'sinon';
import { clientProof } from '../../frontend/auth/scram.ts';
import { sessionTiming } from '../../frontend/imap/session.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const unb64 = (line: string) => Buffer.from(line.replace(/^\+ ?/, ''), 'base64').toString('utf8');

describe('imap authentication', () => {
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    await createUser(db.admin, 'alice', 'secret');
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });
  beforeEach(() => sinon.replace(sessionTiming, 'authFailureDelayMs', 5));
  afterEach(() => sinon.restore());

  it('LOGIN succeeds with the right password and fails with a wrong one', async () => {
    const c = await ImapClient.connect(server.imapPort);
    const bad = await c.exec('LOGIN alice wrong');
    assert.equal(bad.status, 'NO');
    assert.match(bad.line, /\[AUTHENTICATIONFAILED\]/);
    const good = await c.exec('LOGIN "alice" {6+}\r\nsecret');
    assert.equal(good.status, 'OK', good.line);
    assert.match(good.line, /\[CAPABILITY IMAP4rev1 /);
    assert.doesNotMatch(good.line, /AUTH=/);
    const again = await c.exec('LOGIN alice secret');
    assert.equal(again.status, 'BAD');
    await c.close();
  });

  it('AUTHENTICATE PLAIN with an initial response and with a continuation', async () => {
    const c = await ImapClient.connect(server.imapPort);
    const r = await c.exec(`AUTHENTICATE PLAIN ${b64('\0alice\0secret')}`);
    assert.equal(r.status, 'OK', r.line);
    const d = await ImapClient.connect(server.imapPort);
    d.write('P1 AUTHENTICATE PLAIN\r\n');
    assert.equal((await d.next()).text, '+ ');
    d.write(`${b64('alice\0alice\0secret')}\r\n`);
    assert.equal((await d.result('P1')).status, 'OK');
    await c.close();
    await d.close();
  });

  it('AUTHENTICATE LOGIN, and "*" cancels', async () => {
    const c = await ImapClient.connect(server.imapPort);
    c.write('L1 AUTHENTICATE LOGIN\r\n');
    assert.equal(unb64((await c.next()).text), 'Username:');
    c.write(`${b64('alice')}\r\n`);
    assert.equal(unb64((await c.next()).text), 'Password:');
    c.write('*\r\n');
    assert.equal((await c.result('L1')).status, 'BAD');
    c.write(`L2 AUTHENTICATE LOGIN ${b64('alice')}\r\n`);
    assert.equal(unb64((await c.next()).text), 'Password:');
    c.write(`${b64('secret')}\r\n`);
    assert.equal((await c.result('L2')).status, 'OK');
    await c.close();
  });

  async function scram(c: ImapClient, password: string, ir: boolean): Promise<string> {
    const nonce = 'rOprNGfwEbeRWgbNEkqO';
    const bare = `n=alice,r=${nonce}`;
    c.write(ir ? `S1 AUTHENTICATE SCRAM-SHA-256 ${b64(`n,,${bare}`)}\r\n` : 'S1 AUTHENTICATE SCRAM-SHA-256\r\n');
    if (!ir) {
      assert.equal((await c.next()).text, '+ ');
      c.write(`${b64(`n,,${bare}`)}\r\n`);
    }
    const serverFirst = unb64((await c.next()).text);
    const f = new Map(serverFirst.split(',').map((x) => [x[0], x.slice(2)] as [string, string]));
    assert.ok(f.get('r')?.startsWith(nonce));
    const withoutProof = `c=${b64('n,,')},r=${f.get('r')}`;
    const auth = `${bare},${serverFirst},${withoutProof}`;
    const { proof, serverSignature } = clientProof(password, Buffer.from(f.get('s') ?? '', 'base64'), Number(f.get('i')), auth);
    c.write(`${b64(`${withoutProof},p=${proof.toString('base64')}`)}\r\n`);
    const next = await c.next();
    if (!next.text.startsWith('+')) return next.text;
    assert.equal(unb64(next.text), `v=${serverSignature.toString('base64')}`);
    c.write('\r\n');
    return (await c.result('S1')).line;
  }

  it('AUTHENTICATE SCRAM-SHA-256 verifies the proof and proves the server', async () => {
    const c = await ImapClient.connect(server.imapPort);
    assert.match(await scram(c, 'secret', false), /^S1 OK/);
    const d = await ImapClient.connect(server.imapPort);
    assert.match(await scram(d, 'secret', true), /^S1 OK/);
    const e = await ImapClient.connect(server.imapPort);
    assert.match(await scram(e, 'wrong', true), /^S1 NO \[AUTHENTICATIONFAILED\]/);
    await Promise.all([c.close(), d.close(), e.close()]);
  });

  it('delays failures more each time and closes after too many', async () => {
    sinon.restore();
    sinon.replace(sessionTiming, 'authFailureDelayMs', 60);
    const c = await ImapClient.connect(server.imapPort);
    const t0 = Date.now();
    assert.equal((await c.exec('LOGIN alice x')).status, 'NO');
    const t1 = Date.now();
    assert.equal((await c.exec(`AUTHENTICATE PLAIN ${b64('\0alice\0y')}`)).status, 'NO');
    const t2 = Date.now();
    assert.ok(t1 - t0 >= 55, `first delay ${t1 - t0}`);
    assert.ok(t2 - t1 >= 115, `second delay ${t2 - t1}`);
    const third = await c.exec('LOGIN alice z');
    assert.equal(third.status, 'NO');
    const bye = await c.next();
    assert.match(bye.text, /^\* BYE/);
    await assert.rejects(c.next(2000), /closed/);
  });

  it('never logs the password', async () => {
    const lines: string[] = [];
    const log = server.context.log;
    const orig = log.child.bind(log);
    sinon.replace(log, 'child', ((b: object) => {
      const child = orig(b);
      for (const level of ['info', 'warn', 'error', 'debug'] as const) {
        const f = child[level].bind(child) as (...a: unknown[]) => void;
        (child as unknown as Record<string, unknown>)[level] = (...a: unknown[]) => {
          lines.push(JSON.stringify(a));
          f(...a);
        };
      }
      return child;
    }) as unknown as typeof log.child);
    const c = await ImapClient.connect(server.imapPort);
    await c.exec('LOGIN alice hunter2-password');
    await c.exec(`AUTHENTICATE PLAIN ${b64('\0alice\0another-password')}`);
    await c.close();
    assert.ok(lines.some((l) => l.includes('authentication failed')), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('hunter2') || l.includes('another-password')));
  });

  it('imapflow logs in with AUTHENTICATE PLAIN', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, logger: false,
      auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
    await client.connect();
    assert.ok(client.authenticated);
    await client.logout();
  });

  describe('without plaintext passwords', () => {
    let strict: TestServer;
    before(async () => {
      strict = await startTestServer(db, { 'allow-plaintext-passwords': 'never', 'use-pop': 'off' });
    });
    after(async () => strict?.close());

    it('advertises LOGINDISABLED and refuses LOGIN and PLAIN on a clear connection', async () => {
      const c = await ImapClient.connect(strict.imapPort);
      assert.match(c.greeting, /LOGINDISABLED/);
      assert.match(c.greeting, /STARTTLS/);
      assert.doesNotMatch(c.greeting, /AUTH=PLAIN/);
      const r = await c.exec('LOGIN alice secret');
      assert.equal(r.status, 'NO');
      assert.match(r.line, /PRIVACYREQUIRED/);
      assert.equal((await c.exec(`AUTHENTICATE PLAIN ${b64('\0alice\0secret')}`)).status, 'NO');
      // SCRAM sends no password, so it stays available
      assert.match(await scram(c, 'secret', true), /^S1 OK/);
      await c.close();
    });

    it('STARTTLS discards pipelined commands, then allows LOGIN', async () => {
      const c = await ImapClient.connect(strict.imapPort);
      // the NOOP sent in the same packet must not be executed after the handshake
      c.write('T1 STARTTLS\r\nT2 NOOP\r\n');
      const r = await c.result('T1');
      assert.equal(r.status, 'OK');
      await c.startTls();
      const cap = await c.exec('CAPABILITY');
      assert.equal(cap.status, 'OK');
      assert.doesNotMatch(cap.untagged.join(' '), /STARTTLS|LOGINDISABLED/);
      assert.match(cap.untagged.join(' '), /AUTH=PLAIN/);
      assert.ok(!cap.untagged.some((u) => u.startsWith('T2')));
      assert.equal((await c.exec('LOGIN alice secret')).status, 'OK');
      await c.close();
    });

    it('imapflow upgrades with STARTTLS and logs in', async () => {
      const client = new ImapFlow({ host: '127.0.0.1', port: strict.imapPort, secure: false, logger: false,
        auth: { user: 'alice', pass: 'secret' }, tls: { rejectUnauthorized: false } });
      await client.connect();
      assert.ok(client.authenticated);
      assert.ok(client.secureConnection);
      await client.logout();
    });
  });
});
