// aox start / stop / restart / show status: the real CLI and the real frontend/daemon.ts (pid
// file, readiness on the first enabled port, graceful SIGTERM, reporting why a start failed).
// The daemon loads a small stand-in server through AOX_SERVER_MODULE so that this tests the
// lifecycle alone; the protocol servers have their own integration tests.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '../../tools/lib/server-process.ts';
import { aox, scratchDir, type CliResult, type Scratch } from './cli-helpers.ts';

const FAKE_SERVER = `
import net from 'node:net';
export async function startServer(config) {
  if (process.env.FAKE_FAIL) throw new Error('fake failure: ' + process.env.FAKE_FAIL);
  const server = net.createServer((s) => { s.on('error', () => {}); s.end('* OK fake\\r\\n'); });
  await new Promise((resolve) => server.listen(config.get('imap-port'), config.get('imap-address'), resolve));
  return { ports: { imap: server.address().port }, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('cli: server lifecycle', function () {
  // each step is a whole node process (and tsx); a busy machine makes that slow
  this.timeout(90_000);
  let scratch: Scratch;
  let env: Record<string, string>;
  let pidFile: string;
  const pid = () => Number(readFileSync(pidFile, 'utf8').trim());

  before(async () => {
    scratch = scratchDir('aox-server-');
    const module = join(scratch.dir, 'fake-server.mjs');
    writeFileSync(module, FAKE_SERVER);
    mkdirSync(join(scratch.dir, 'run'));
    const conf = join(scratch.dir, 'archiveopteryx.conf');
    writeFileSync(conf, `pidfile-dir = run\nimap-address = 127.0.0.1\nimap-port = ${await freePort()}\nuse-lmtp = off\n`);
    pidFile = join(scratch.dir, 'run', 'aox.pid');
    env = { AOX_CONFIG: conf, AOX_SERVER_MODULE: module };
  });
  afterEach(function () {
    // the daemon's output says why a lifecycle step went wrong
    const log = join(scratch.dir, 'run', 'aox.log');
    if (this.currentTest?.state === 'failed' && existsSync(log)) console.log(readFileSync(log, 'utf8'));
  });
  after(() => {
    if (existsSync(pidFile)) process.kill(pid(), 'SIGKILL');
    scratch.remove();
  });

  function ok(r: CliResult): string {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  it('reports a stopped server with exit code 3', async () => {
    const status = await aox(['show', 'status'], { env });
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not running/);
  });

  it('starts in the background and returns once the port accepts connections', async () => {
    assert.match(ok(await aox(['start'], { env })), /^started the server \(pid \d+; imap 127\.0\.0\.1:\d+\)/);
    assert.ok(isAlive(pid()));
    const [status, again] = await Promise.all([aox(['show', 'status'], { env }), aox(['start'], { env })]);
    assert.match(ok(status), new RegExp(`running \\(pid ${pid()}\\)\\n  imap 127\\.0\\.0\\.1:\\d+ accepting`));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already running/);
  });

  it('restarts with a new process and stops gracefully, removing the pid file', async () => {
    const first = pid();
    assert.match(ok(await aox(['restart'], { env })), new RegExp(`stopped the server \\(pid ${first}\\)\\nstarted`));
    const second = pid();
    assert.notEqual(second, first);
    assert.ok(!isAlive(first));
    assert.match(ok(await aox(['stop'], { env })), new RegExp(`stopped the server \\(pid ${second}\\)`));
    assert.ok(!existsSync(pidFile));
    assert.ok(!isAlive(second));
    assert.match(ok(await aox(['stop'], { env })), /not running/);
  });

  it('fails with the server\'s own reason when it cannot start', async () => {
    const r = await aox(['start'], { env: { ...env, FAKE_FAIL: 'no database' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the server exited with code 1:\n.*fake failure: no database/);
    assert.ok(!existsSync(pidFile));
  });
});
