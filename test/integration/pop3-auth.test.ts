// POP3 authorization: CAPA, USER/PASS, AUTH PLAIN/LOGIN/SCRAM-SHA-256, STLS and the
// allow-plaintext-passwords policy, failure delays and limits.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';
import { Pop3Client } from '../helpers/pop3-client.ts';
import { clientProof } from '../../frontend/auth/scram.ts';
import { Connection } from '../../frontend/net/connection.ts';
import { Pop3Session } from '../../frontend/pop3/session.ts';
import type { ServerContext } from '../../frontend/context.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Runs the SCRAM-SHA-256 client side over a POP3 connection; returns the final status line. */
async function scramLogin(c: Pop3Client, login: string, password: string, initial = true): Promise<string> {
  const nonce = randomBytes(12).toString('base64');
  const clientFirstBare = `n=${login},r=${nonce}`;
  let challenge: string;
  if (initial) {
    challenge = await c.command(`AUTH SCRAM-SHA-256 ${b64('n,,' + clientFirstBare)}`);
  } else {
    assert.equal(await c.command('AUTH SCRAM-SHA-256'), '+ ');
    challenge = await c.command(b64('n,,' + clientFirstBare));
  }
  if (!challenge.startsWith('+ ')) return challenge;
  const serverFirst = unb64(challenge.slice(2));
  const fields = new Map(serverFirst.split(',').map((f) => [f[0], f.slice(2)] as [string, string]));
  assert.ok(fields.get('r')!.startsWith(nonce));
  const withoutProof = `c=${b64('n,,')},r=${fields.get('r')}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const { proof, serverSignature } = clientProof(password, Buffer.from(fields.get('s')!, 'base64'), Number(fields.get('i')), authMessage);
  const final = await c.command(b64(`${withoutProof},p=${proof.toString('base64')}`));
  if (!final.startsWith('+ ')) return final;
  assert.equal(unb64(final.slice(2)), `v=${serverSignature.toString('base64')}`, 'server signature verifies');
  return c.command('');
}

/** A listener running Pop3Session with options a test needs (short timeouts, a log to read). */
async function customListener(ctx: ServerContext, options: ConstructorParameters<typeof Pop3Session>[2]): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => { void new Pop3Session(ctx, new Connection(socket), options).run(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

describe('pop3: authorization', () => {
  let db: TestDatabase;
  let server: TestServer;
  let strict: TestServer;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    strict = await startTestServer(db, { 'allow-plaintext-passwords': 'never', 'use-pops': 'on', 'pops-port': '0' });
    await createUser(db.admin, 'alice', 'pw with spaces', 'alice@example.com');
  });
  after(async () => {
    await server?.close();
    await strict?.close();
    await db?.drop();
  });

  it('greets and lists capabilities', async () => {
    const c = await Pop3Client.connect(server.popPort);
    assert.equal(c.greeting, '+OK localhost POP3 server ready');
    const capa = await c.multi('CAPA');
    assert.equal(capa.status, '+OK Capability list follows');
    assert.deepEqual(capa.lines, ['TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN SCRAM-SHA-256', 'RESP-CODES',
      'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION aox']);
    assert.deepEqual((await c.multi('AUTH')).lines, ['PLAIN', 'LOGIN', 'SCRAM-SHA-256']);
    assert.equal(await c.command('APOP alice 0123456789abcdef0123456789abcdef'), '-ERR Unknown command');
    assert.equal(await c.command('STAT'), '-ERR Command not valid in this state');
    assert.equal(await c.command('QUIT'), '+OK localhost POP3 server signing off');
    await c.closed();
  });

  it('logs in with USER/PASS (a password with spaces) and refuses a wrong one after a delay', async () => {
    const c = await Pop3Client.connect(server.popPort);
    assert.equal(await c.command('PASS x'), '-ERR Send USER first');
    const started = Date.now();
    assert.equal(await c.login('alice', 'wrong'), '-ERR [AUTH] Authentication failed');
    assert.ok(Date.now() - started >= 900, 'failure answered after AUTH_FAILURE_DELAY_MS');
    assert.match(await c.login('ALICE', 'pw with spaces'), /^\+OK Logged in, 0 messages \(0 octets\)$/);
    assert.equal(await c.command('USER alice'), '-ERR Command not valid in this state');
    c.close();
  });

  it('AUTH PLAIN with and without an initial response, AUTH LOGIN, cancel', async () => {
    let c = await Pop3Client.connect(server.popPort);
    assert.match(await c.command(`AUTH PLAIN ${b64('\0alice\0pw with spaces')}`), /^\+OK Logged in/);
    c.close();
    c = await Pop3Client.connect(server.popPort);
    assert.equal(await c.command('AUTH PLAIN'), '+ ');
    assert.match(await c.command(b64('alice\0alice\0pw with spaces')), /^\+OK Logged in/);
    c.close();
    c = await Pop3Client.connect(server.popPort);
    assert.equal(await c.command('AUTH LOGIN'), `+ ${b64('Username:')}`);
    assert.equal(await c.command(b64('alice')), `+ ${b64('Password:')}`);
    assert.match(await c.command(b64('pw with spaces')), /^\+OK Logged in/);
    c.close();
    c = await Pop3Client.connect(server.popPort);
    assert.equal(await c.command('AUTH PLAIN'), '+ ');
    assert.equal(await c.command('*'), '-ERR Authentication cancelled');
    assert.equal(await c.command('AUTH CRAM-MD5'), '-ERR Unsupported authentication mechanism');
    assert.equal(await c.command('AUTH PLAIN !!!'), '-ERR Invalid base64 in initial response');
    assert.equal(await c.command(`AUTH PLAIN ${b64('bob\0alice\0pw with spaces')}`), '-ERR [AUTH] Authentication failed',
      'no proxy authorization');
    c.close();
  });

  it('AUTH SCRAM-SHA-256: the full exchange, with and without an initial response', async () => {
    let c = await Pop3Client.connect(server.popPort);
    assert.match(await scramLogin(c, 'alice', 'pw with spaces'), /^\+OK Logged in/);
    c.close();
    c = await Pop3Client.connect(server.popPort);
    assert.match(await scramLogin(c, 'alice', 'pw with spaces', false), /^\+OK Logged in/);
    c.close();
    c = await Pop3Client.connect(server.popPort);
    assert.equal(await scramLogin(c, 'alice', 'wrong'), '-ERR [AUTH] Authentication failed');
    c.close();
  });

  it('upgrades with STLS, discarding pipelined input, and forgets USER', async () => {
    const c = await Pop3Client.connect(server.popPort);
    assert.equal(await c.command('USER alice'), '+OK Send your password');
    c.send('STLS\r\nPASS pw with spaces\r\n');
    assert.equal(await c.readLine(), '+OK Begin TLS negotiation now');
    await c.startTls();
    assert.equal(await c.command('NOOP'), '-ERR Command not valid in this state', 'the pipelined PASS was discarded');
    assert.ok(!(await c.multi('CAPA')).lines.includes('STLS'));
    assert.equal(await c.command('STLS'), '-ERR TLS is already active');
    assert.equal(await c.command('PASS pw with spaces'), '-ERR Send USER first');
    assert.match(await c.login('alice', 'pw with spaces'), /^\+OK Logged in/);
    c.close();
  });

  it('refuses plaintext passwords in clear when allow-plaintext-passwords is never', async () => {
    const c = await Pop3Client.connect(strict.popPort);
    const capa = await c.multi('CAPA');
    assert.ok(!capa.lines.includes('USER'));
    assert.ok(capa.lines.includes('SASL SCRAM-SHA-256'));
    const refused = '-ERR [AUTH] Plaintext authentication disallowed on non-secure connections, use STLS';
    assert.equal(await c.command('USER alice'), refused);
    assert.equal(await c.command('PASS pw with spaces'), refused);
    assert.equal(await c.command(`AUTH PLAIN ${b64('\0alice\0pw with spaces')}`), refused);
    assert.equal(await c.command('AUTH LOGIN'), refused);
    assert.equal(await c.command('STLS'), '+OK Begin TLS negotiation now');
    await c.startTls();
    const secure = await c.multi('CAPA');
    assert.ok(secure.lines.includes('USER'));
    assert.ok(secure.lines.includes('SASL PLAIN LOGIN SCRAM-SHA-256'));
    assert.match(await c.login('alice', 'pw with spaces'), /^\+OK Logged in/);
    c.close();
    const d = await Pop3Client.connect(strict.popPort);
    assert.match(await scramLogin(d, 'alice', 'pw with spaces'), /^\+OK Logged in/, 'SCRAM needs no TLS');
    d.close();
  });

  it('POP3S: implicit TLS allows plaintext passwords and offers no STLS', async () => {
    const c = await Pop3Client.connect(strict.ports.pops!, true);
    assert.equal(c.greeting, '+OK localhost POP3 server ready');
    const capa = await c.multi('CAPA');
    assert.ok(capa.lines.includes('USER'));
    assert.ok(!capa.lines.includes('STLS'));
    assert.match(await c.login('alice', 'pw with spaces'), /^\+OK Logged in/);
    assert.deepEqual((await c.multi('CAPA')).lines, capa.lines, 'the same capabilities in the TRANSACTION state');
    c.close();
  });

  it('closes after MAX_AUTH_FAILURES and never logs the password', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    const { port, server: listener } = await customListener({ ...server.context, log }, { authFailureDelayMs: 1 });
    try {
      const c = await Pop3Client.connect(port);
      assert.equal(await c.login('alice', 'secret-guess-1'), '-ERR [AUTH] Authentication failed');
      assert.equal(await c.command(`AUTH PLAIN ${b64('\0nobody\0secret-guess-2')}`), '-ERR [AUTH] Authentication failed',
        'an unknown login fails the same way');
      assert.equal(await c.login('alice', 'secret-guess-3'), '-ERR [AUTH] Authentication failed, closing connection');
      await c.closed();
      const text = lines.join('');
      assert.equal(text.match(/pop3 authentication failed/g)?.length, 3);
      assert.match(text, /"login":"alice"/);
      assert.match(text, /"login":"nobody"/);
      assert.doesNotMatch(text, /secret-guess/);
    } finally {
      listener.close();
    }
  });

  it('closes a silent connection without a reply when the autologout timer expires', async () => {
    const { port, server: listener } = await customListener(server.context, { idleTimeoutMs: 150 });
    try {
      const c = await Pop3Client.connect(port);
      await c.closed(2000);
      assert.equal(c.unread.length, 0);
    } finally {
      listener.close();
    }
  });
});
