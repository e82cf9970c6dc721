// The aox side: its own embedded PostgreSQL in the run's temporary directory on a free loopback
// port, the schema installed as `aox setup` would (frontend/db/install.ts), the bench users made
// with SQL as the owner (as test/helpers/users.ts does), the data set loaded (aox-load.ts), and the
// server started with startServer in a child process (aox-server-child.ts) on loopback ports.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { makeVerifier } from '../../frontend/auth/scram.ts';
import { startEmbedded, type EmbeddedServer } from '../../frontend/db/embedded.ts';
import { install } from '../../frontend/db/install.ts';
import { loadIntoAox, runAox } from './aox-load.ts';
import { LOOPBACK, freePort } from './net-util.ts';
import { memoryOf, pidFromFile, processTree, type MemorySample } from './procs.ts';
import { benchUsers, USER_NAMES, type BenchUsers, type ImportOutcome, type Side } from './target.ts';

const DB_NAME = 'aoxbench';
const CHILD = fileURLToPath(new URL('./aox-server-child.ts', import.meta.url));
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

export class AoxSide implements Side {
  readonly name = 'aox' as const;
  readonly label = 'aox';
  readonly host = LOOPBACK;
  ports: Side['ports'] = { imap: null, pop: null, lmtp: null };
  unavailable: string | null = 'the aox server has not been started';
  bigCount = 0;
  version = '';
  readonly memoryCovers = 'the aox server process (node) plus every process of its PostgreSQL cluster (postmaster, backends, background workers)';
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private mailboxes = new Map<string, number>();
  private userIds = new Map<string, number>();

  private constructor(readonly users: BenchUsers, private dir: string, private embedded: EmbeddedServer,
                      private owner: pg.ClientConfig, private frontend: pg.ClientConfig,
                      private log: (line: string) => void) {
    this.logFile = join(dir, 'aox.log');
  }

  static async prepare(tmp: string, log: (line: string) => void): Promise<AoxSide> {
    const dir = join(tmp, 'aox');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    // run as root, PostgreSQL drops to the "postgres" user, which must reach its data directory
    chmodSync(dir, 0o755);
    const pgLog = join(dir, 'postgresql.log');
    const port = await freePort();
    log(`aox: starting an embedded PostgreSQL on ${LOOPBACK}:${port}`);
    const embedded = await startEmbedded(join(dir, 'pg'), port, (line) => appendFileSync(pgLog, line + '\n'));
    try {
      const superuser: pg.ClientConfig = { host: embedded.host, port: embedded.port, user: embedded.superuser, password: embedded.superuserPassword };
      const ownerPassword = randomBytes(18).toString('base64url');
      const userPassword = randomBytes(18).toString('base64url');
      log('aox: installing the schema');
      await install({ superuser, database: DB_NAME, owner: 'aoxsuper', ownerPassword, user: 'aox', userPassword });
      const owner: pg.ClientConfig = { ...superuser, database: DB_NAME, user: 'aoxsuper', password: ownerPassword };
      const frontend: pg.ClientConfig = { ...superuser, database: DB_NAME, user: 'aox', password: userPassword };
      const side = new AoxSide(benchUsers(), dir, embedded, owner, frontend, log);
      await side.createUsers();
      return side;
    } catch (e) {
      await embedded.stop().catch(() => undefined);
      throw e;
    }
  }

  private async withOwner<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client(this.owner);
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private async createUsers(): Promise<void> {
    await this.withOwner(async (c) => {
      const v = await c.query<{ v: string }>('select version() as v');
      this.version = `PostgreSQL ${/PostgreSQL ([\d.]+)/.exec(v.rows[0].v)?.[1] ?? '?'} (embedded)`;
      for (const name of USER_NAMES) {
        const u = this.users[name];
        // the same verifier cost as `aox add user` (PBKDF2-SHA-256, 4096 rounds), as Dovecot gets
        const { rows: [user] } = await c.query<{ id: number }>(
          'insert into mail.users (login, secret) values ($1, $2) returning id', [u.login, makeVerifier(u.password)]);
        const [local, domain] = u.address.split('@');
        const { rows: [a] } = await c.query<{ id: number }>(
          'insert into mail.addresses (localpart, domain) values ($1, $2) returning id', [local, domain]);
        await c.query('insert into mail.user_addresses (usr, address, primary_address) values ($1, $2, true)', [user.id, a.id]);
        const { rows: [b] } = await c.query<{ id: number }>('select mail.create_mailbox($1, $2, null) as id', [user.id, 'INBOX']);
        this.userIds.set(name, user.id);
        this.mailboxes.set(name, b.id);
      }
    });
  }

  async importDataset(mbox: string, count: number): Promise<ImportOutcome> {
    const t0 = performance.now();
    const r = await loadIntoAox({
      owner: this.owner, frontend: this.frontend, mbox, log: this.log, dir: this.dir, login: this.users.bench.login,
      userId: this.userIds.get('bench') as number, mailboxId: this.mailboxes.get('bench') as number,
    });
    const seconds = (performance.now() - t0) / 1000;
    this.bigCount = await this.withOwner(async (c) => {
      const n = await c.query<{ n: string }>('select count(*) as n from mail.mailbox_messages where mailbox = $1', [this.mailboxes.get('bench')]);
      return Number(n.rows[0].n);
    });
    if (this.bigCount !== count) this.log(`aox: ${this.bigCount} messages stored of ${count}`);
    return { messages: r.messages, seconds, method: r.method + (r.fallback ? ` — because ${r.fallback}` : '') };
  }

  /** `aox tune database <mode>` on the loaded data, as an admin would after an import; seconds. */
  async tune(mode: string): Promise<number> {
    const t0 = performance.now();
    await runAox({ owner: this.owner, frontend: this.frontend, dir: this.dir }, ['tune', 'database', mode]);
    return (performance.now() - t0) / 1000;
  }

  async startServer(): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AOX_')) env[k] = v;
    Object.assign(env, {
      AOX_DB_ADDRESS: LOOPBACK, AOX_DB_PORT: String(this.embedded.port), AOX_DB_NAME: DB_NAME,
      AOX_DB_USER: String(this.frontend.user), AOX_DB_PASSWORD: String(this.frontend.password),
      AOX_DB_OWNER: String(this.owner.user), AOX_DB_OWNER_PASSWORD: String(this.owner.password),
      AOX_IMAP_ADDRESS: LOOPBACK, AOX_IMAP_PORT: '0',
      AOX_USE_POP: 'on', AOX_POP_ADDRESS: LOOPBACK, AOX_POP_PORT: '0',
      AOX_USE_LMTP: 'on', AOX_LMTP_ADDRESS: LOOPBACK, AOX_LMTP_PORT: '0',
      // as Dovecot is configured: no TLS on loopback, plaintext LOGIN allowed
      AOX_USE_TLS: 'off', AOX_ALLOW_PLAINTEXT_PASSWORDS: 'always',
      AOX_PIDFILE_DIR: this.dir, AOX_LOG_LEVEL: 'warn', AOX_LOGFILE: this.logFile,
    });
    const out = openSync(join(this.dir, 'aox-child.out'), 'a');
    const child = fork(CHILD, [], { env, execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc'], stdio: ['ignore', out, out, 'ipc'] });
    closeSync(out);
    this.child = child;
    const result = await new Promise<{ ok: true; ports: Record<string, number | undefined> } | { ok: false; error: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${START_TIMEOUT_MS / 1000} s` }), START_TIMEOUT_MS);
      child.on('message', (m: unknown) => {
        const msg = m as { type?: string; ports?: Record<string, number | undefined>; error?: string };
        clearTimeout(timer);
        if (msg.type === 'ready' && msg.ports) resolve({ ok: true, ports: msg.ports });
        else resolve({ ok: false, error: msg.error ?? 'unexpected message' });
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ ok: false, error: `the server process exited (code ${code}); see ${join(this.dir, 'aox-child.out')}` });
      });
    });
    if (!result.ok) {
      this.unavailable = `the aox server did not start: ${result.error}`.slice(0, 400);
      this.log(`aox: ${this.unavailable}`);
      await this.stopChild();
      return;
    }
    this.ports = { imap: result.ports.imap ?? null, pop: result.ports.pop ?? null, lmtp: result.ports.lmtp ?? null };
    this.unavailable = null;
    this.log(`aox: server pid ${child.pid} on IMAP ${this.ports.imap}, POP3 ${this.ports.pop}, LMTP ${this.ports.lmtp}`);
  }

  async quiesce(): Promise<void> {
    const child = this.child;
    if (!child?.connected) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 10_000);
      function done() {
        clearTimeout(timer);
        child?.off('message', onMessage);
        resolve();
      }
      function onMessage(m: unknown) {
        if ((m as { type?: string }).type === 'gc-done') done();
      }
      child.on('message', onMessage);
      child.send('gc');
    });
  }

  memory(): MemorySample {
    const roots: number[] = [];
    if (this.child?.pid && this.child.exitCode === null) roots.push(this.child.pid);
    const postmaster = pidFromFile(join(this.dir, 'pg', 'pgdata', 'postmaster.pid'));
    if (postmaster) roots.push(postmaster);
    return memoryOf(processTree(roots));
  }

  async bytesStored(): Promise<{ bytes: number; note: string }> {
    return this.withOwner(async (c) => {
      const r = await c.query<{ bytes: string }>(
        `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'mail' and c.relkind in ('r', 'm')`);
      return { bytes: Number(r.rows[0].bytes), note: 'pg_total_relation_size (heap + TOAST + indexes) of every table in schema mail; WAL not counted' };
    });
  }

  async prepareConnections(): Promise<string | null> {
    // one node process holds every connection; the database pool does not grow with them
    return null;
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send('stop');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.stopChild().catch(() => undefined);
    await this.embedded.stop().catch((e: unknown) => this.log(`aox: stopping PostgreSQL failed: ${String(e)}`));
  }
}
