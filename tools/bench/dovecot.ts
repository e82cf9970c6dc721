// The Dovecot side: Debian's Dovecot 2.3, configured by the suite in the run's temporary directory
// and nowhere else (its own base_dir, state_dir, log and loopback ports; the system's Dovecot, if
// any, is not touched).
//
// Choices, and why:
// - Mail storage: maildir (mail_location = maildir:…), the format most Dovecot installations use
//   and the one `doveadm import` and LMTP write without extra settings. `--dovecot-format sdbox` or
//   `mdbox` selects Dovecot's own formats instead (mdbox is what Dovecot recommends for speed).
// - Users: a passwd-file with {SCRAM-SHA-256} verifiers (PBKDF2, 4096 rounds), the same cost per
//   LOGIN as aox's verifiers, so login-heavy scenarios (imaptest) compare servers, not hash costs.
// - Mail processes: Dovecot refuses to access mail as uid 0. Run as root, the static userdb gives
//   every user an otherwise unused numeric uid/gid (no /etc/passwd entry is needed for a static
//   uid), and the mail directory is chowned to it. Not root, the current uid/gid is used and the
//   login/internal users are the current user too.
// - Limits raised only as far as the scenarios need (1,000 IDLE sessions from one address):
//   process_limit of imap and imap-login, mail_max_userip_connections, default_client_limit; and
//   the imap processes' vsz_limit, which a million-message maildir needs.
//   Everything else is Dovecot's default (high-security login mode, mail_fsync = optimized).
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, closeSync, constants, existsSync, fchownSync, futimesSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { readMbox } from './mbox.ts';
import { LOOPBACK, freePort, sleep, waitForPort } from './net-util.ts';
import { alive, memoryOf, pidFromFile, processTree, type MemorySample } from './procs.ts';
import { benchUsers, USER_NAMES, type BenchUsers, type ImportOutcome, type Side } from './target.ts';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

export type DovecotFormat = 'maildir' | 'sdbox' | 'mdbox';

/** Dovecot's version, or why it cannot be used. */
export function dovecotAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  if (!existsSync(DOVECOT) || !existsSync(DOVEADM)) return { ok: false, reason: 'Dovecot not installed' };
  const r = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return { ok: false, reason: `dovecot --version failed: ${(r.stderr || r.stdout).trim().slice(0, 200)}` };
  const version = r.stdout.trim().split(/\s+/)[0];
  const imap = existsSync('/usr/lib/dovecot/imap');
  const pop3 = existsSync('/usr/lib/dovecot/pop3');
  const lmtp = existsSync('/usr/lib/dovecot/lmtp');
  if (!imap) return { ok: false, reason: 'Dovecot installed without dovecot-imapd' };
  if (!pop3 || !lmtp) return { ok: true, version: `${version} (without ${!pop3 ? 'pop3d' : ''}${!pop3 && !lmtp ? ', ' : ''}${!lmtp ? 'lmtpd' : ''})` };
  return { ok: true, version };
}

/** A uid/gid no account uses, for the mail processes when the suite runs as root. */
function unusedId(): number {
  const used = new Set<number>();
  for (const file of ['/etc/passwd', '/etc/group']) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const id = Number(line.split(':')[2]);
        if (Number.isInteger(id)) used.add(id);
      }
    } catch {
      // no file: nothing is used
    }
  }
  for (let id = 64_123; id < 65_000; id++) if (!used.has(id)) return id;
  throw new Error('no unused uid between 64123 and 65000 for the Dovecot mail user');
}

function run(cmd: string, args: string[], timeoutMs: number): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(2, 4).join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 400)}`);
  return r.stdout;
}

/** Disk usage (allocated blocks) and apparent size of a directory tree. */
export function diskUsage(path: string): { blocks: number; apparent: number; files: number } {
  let blocks = 0;
  let apparent = 0;
  let files = 0;
  const stack = [path];
  for (let guard = 0; stack.length > 0 && guard < 50_000_000; guard++) {
    const p = stack.pop() as string;
    const st = lstatSync(p);
    blocks += st.blocks * 512;
    apparent += st.size;
    if (st.isDirectory()) for (const e of readdirSync(p)) stack.push(join(p, e));
    else files++;
  }
  return { blocks, apparent, files };
}

export class DovecotSide implements Side {
  readonly name = 'dovecot' as const;
  readonly label = 'Dovecot';
  readonly host = LOOPBACK;
  ports: Side['ports'] = { imap: null, pop: null, lmtp: null };
  unavailable: string | null = null;
  bigCount = 0;
  readonly memoryCovers = 'the Dovecot master and all its children (login, imap, auth, anvil, log, …)';
  readonly logFile: string;
  private inotifyRestore: number | null = null;

  private constructor(readonly users: BenchUsers, readonly version: string, private dir: string,
                      private conf: string, private mailDir: string, private format: DovecotFormat,
                      private log: (line: string) => void) {
    this.logFile = join(dir, 'dovecot.log');
  }

  static async prepare(tmp: string, version: string, format: DovecotFormat, maxConnections: number,
                       log: (line: string) => void): Promise<DovecotSide> {
    const dir = join(tmp, 'dovecot');
    const mailDir = join(dir, 'mail');
    mkdirSync(mailDir, { recursive: true, mode: 0o755 });
    chmodSync(tmp, 0o755);
    chmodSync(dir, 0o755);
    const root = process.getuid?.() === 0;
    const me = userInfo();
    const uid = root ? unusedId() : me.uid;
    const gid = root ? uid : me.gid;
    if (root) chownSync(mailDir, uid, gid);
    const [imap, pop, lmtp] = [await freePort(), await freePort(), await freePort()];
    const users = benchUsers();
    const conf = join(dir, 'dovecot.conf');
    const passwd = join(dir, 'passwd');
    const side = new DovecotSide(users, `Dovecot ${version} (${format})`, dir, conf, mailDir, format, log);
    if (root) side.mailOwner = { uid, gid };
    const processes = maxConnections + 100;
    const location = format === 'maildir' ? `maildir:${mailDir}/%u/Maildir` : `${format}:${mailDir}/%u/${format}`;
    writeFileSync(conf, [
      '# written by tools/bench/dovecot.ts for one benchmark run',
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'state')}`,
      `instance_name = aox-bench-${process.pid}`,
      `log_path = ${side.logFile}`,
      `info_log_path = ${side.logFile}`,
      `listen = ${LOOPBACK}`,
      'protocols = imap pop3 lmtp',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      // "lmtp@bench.aox.invalid" and "lmtp" are the same account
      'auth_username_format = %Ln',
      `first_valid_uid = ${Math.min(uid, 1)}`,
      `mail_location = ${location}`,
      ...(root ? [] : [`default_login_user = ${me.username}`, `default_internal_user = ${me.username}`]),
      `default_client_limit = ${processes * 2}`,
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=SCRAM-SHA-256 ${passwd}`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${uid} gid=${gid} home=${mailDir}/%u`,
      '}',
      'protocol imap {',
      `  mail_max_userip_connections = ${processes}`,
      '}',
      'protocol pop3 {',
      `  mail_max_userip_connections = ${processes}`,
      '}',
      'service imap-login {',
      `  process_limit = ${processes}`,
      `  inet_listener imap {\n    address = ${LOOPBACK}\n    port = ${imap}\n  }`,
      '  inet_listener imaps {\n    port = 0\n  }',
      '}',
      'service imap {',
      `  process_limit = ${processes}`,
      // the default 256 MB is too little for a 1,000,000-message maildir: the imap process died
      // "Out of memory" syncing the uidlist at FETCH; aox's server process has no such cap either
      '  vsz_limit = 2G',
      '}',
      'service pop3-login {',
      `  inet_listener pop3 {\n    address = ${LOOPBACK}\n    port = ${pop}\n  }`,
      '  inet_listener pop3s {\n    port = 0\n  }',
      '}',
      'service lmtp {',
      `  inet_listener lmtp {\n    address = ${LOOPBACK}\n    port = ${lmtp}\n  }`,
      '}',
      '',
    ].join('\n'));
    const lines: string[] = [];
    for (const name of USER_NAMES) {
      const u = users[name];
      const verifier = run(DOVEADM, ['-c', conf, 'pw', '-s', 'SCRAM-SHA-256', '-p', u.password], 30_000).trim();
      lines.push(`${u.login}:${verifier}`);
    }
    // read by the auth process, which runs as the unprivileged internal user; it holds throwaway
    // verifiers of throwaway passwords only
    writeFileSync(passwd, lines.join('\n') + '\n', { mode: 0o644 });
    log(`Dovecot: starting with ${conf} (IMAP ${imap}, POP3 ${pop}, LMTP ${lmtp})`);
    try {
      // the master daemonises and keeps its inherited descriptors: no pipes, or we would wait on it
      const r = spawnSync(DOVECOT, ['-c', conf], { stdio: 'ignore', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`dovecot exited ${r.status ?? r.signal}`);
      await waitForPort(imap, 30_000);
      await waitForPort(pop, 10_000);
      await waitForPort(lmtp, 10_000);
    } catch (e) {
      await side.stop();
      throw new Error(`Dovecot did not start: ${(e as Error).message}; see ${side.logFile}`, { cause: e });
    }
    side.ports = { imap, pop, lmtp };
    return side;
  }

  private doveadm(args: string[], timeoutMs: number): string {
    return run(DOVEADM, ['-c', this.conf, ...args], timeoutMs);
  }

  /** Set by --dovecot-load files: importDataset writes the maildir itself (see writeMaildir). */
  loadFiles = false;
  private mailOwner: { uid: number; gid: number } | null = null;

  /**
   * Loads the data set by writing one maildir file per message (the mbox From line's date as its
   * mtime, Dovecot's INTERNALDATE; names that sort in mbox order), owned by the mail user, then
   * lets Dovecot index the folder (doveadm mailbox status syncs it). For sizes where `doveadm
   * import` cannot finish: it imports in one transaction, and at 1,000,000 messages its rate fell
   * from 320 to under 100 messages/s past 350,000. The time is not an import rate comparable
   * with aox's.
   */
  private writeMaildir(mbox: string, count: number): void {
    const box = join(this.mailDir, this.users.bench.login, 'Maildir');
    for (const d of ['', 'cur', 'new', 'tmp']) {
      mkdirSync(join(box, d), { recursive: true, mode: 0o700 });
      if (this.mailOwner) chownSync(join(box, d), this.mailOwner.uid, this.mailOwner.gid);
    }
    if (this.mailOwner) chownSync(join(this.mailDir, this.users.bench.login), this.mailOwner.uid, this.mailOwner.gid);
    let seq = 0;
    for (const m of readMbox(mbox, count)) {
      seq++;
      const name = join(box, 'cur', `1700000000.M${String(seq).padStart(8, '0')}P1.aoxbench:2,`);
      const fd = openSync(name, 'w', 0o600);
      try {
        writeSync(fd, m.raw);
        if (this.mailOwner) fchownSync(fd, this.mailOwner.uid, this.mailOwner.gid);
        const t = (m.date ?? new Date(0)).getTime() / 1000;
        futimesSync(fd, t, t);
      } finally {
        closeSync(fd);
      }
      if (seq % 100_000 === 0) this.log(`Dovecot: ${seq} maildir files written`);
    }
  }

  async importDataset(mbox: string, count: number): Promise<ImportOutcome> {
    const t0 = performance.now();
    if (this.loadFiles) {
      if (this.format !== 'maildir') throw new Error('--dovecot-load files needs the maildir format');
      this.writeMaildir(mbox, count);
      const status = this.doveadm(['-f', 'flow', 'mailbox', 'status', '-u', this.users.bench.login, 'messages', 'INBOX'], 6 * 3600_000);
      const seconds = (performance.now() - t0) / 1000;
      this.bigCount = Number(/messages=(\d+)/.exec(status)?.[1] ?? 0);
      if (this.bigCount !== count) this.log(`Dovecot: ${this.bigCount} messages stored of ${count}`);
      return { messages: this.bigCount, seconds,
               method: 'maildir files written by the bench, then indexed by Dovecot (doveadm mailbox status); not an import rate comparable with aox\'s' };
    }
    // the mbox is read through Dovecot's mbox driver with in-memory indexes, so nothing is written
    // beside the cached data set
    const source = `mbox:${join(this.dir, 'import-root')}:INDEX=MEMORY:INBOX=${mbox}`;
    this.doveadm(['import', '-u', this.users.bench.login, source, '', 'mailbox', 'INBOX', 'all'], 6 * 3600_000);
    const seconds = (performance.now() - t0) / 1000;
    const status = this.doveadm(['-f', 'flow', 'mailbox', 'status', '-u', this.users.bench.login, 'messages', 'INBOX'], 600_000);
    this.bigCount = Number(/messages=(\d+)/.exec(status)?.[1] ?? 0);
    if (this.bigCount !== count) this.log(`Dovecot: ${this.bigCount} messages stored of ${count}`);
    return { messages: this.bigCount, seconds, method: 'doveadm import from the mbox' };
  }

  async startServer(): Promise<void> {
    // started by prepare(): doveadm import needs the running auth service for userdb lookups
  }

  private masterPid(): number | null {
    return pidFromFile(join(this.dir, 'run', 'master.pid'));
  }

  async quiesce(): Promise<void> {
    // nothing to collect: every process's memory is its own
  }

  memory(): MemorySample {
    const pid = this.masterPid();
    return pid ? memoryOf(processTree([pid])) : { pss: 0, rss: 0, processes: 0 };
  }

  async bytesStored(): Promise<{ bytes: number; note: string }> {
    const path = this.format === 'maildir' ? join(this.mailDir, this.users.bench.login, 'Maildir') : join(this.mailDir, this.users.bench.login);
    const du = diskUsage(path);
    return {
      bytes: du.blocks,
      note: `disk usage (allocated blocks, as du) of the user's ${this.format} directory: ${du.files} files incl. index and cache files; apparent size ${(du.apparent / 1e6).toFixed(1)} MB`,
    };
  }

  /**
   * One imap process per connection, and each watches its mailbox with its own inotify instance.
   * The kernel's default of 128 instances per user makes Dovecot fall back to polling every
   * mailbox_idle_check_interval (30 s) beyond that, which measures the host, not Dovecot. Running
   * as root, the limit is raised for the run and restored by stop(); otherwise the report says so.
   */
  async prepareConnections(n: number): Promise<string | null> {
    let current: number;
    try {
      current = Number(readFileSync(INOTIFY_INSTANCES, 'utf8').trim());
    } catch {
      return null;
    }
    const want = n + 128;
    if (current >= want) return null;
    if (process.getuid?.() !== 0) {
      return `fs.inotify.max_user_instances is ${current} (< ${want}) and the suite is not root: Dovecot IDLE sessions beyond it poll every 30 s`;
    }
    try {
      writeFileSync(INOTIFY_INSTANCES, String(want));
      this.inotifyRestore ??= current;
      return `fs.inotify.max_user_instances raised from ${current} to ${want} for the run (one inotify instance per Dovecot imap process), restored afterwards`;
    } catch (e) {
      return `could not raise fs.inotify.max_user_instances from ${current}: ${(e as Error).message}`;
    }
  }

  async stop(): Promise<void> {
    const pid = this.masterPid();
    try {
      this.doveadm(['stop'], 30_000);
    } catch {
      if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
    }
    for (let i = 0; pid && alive(pid) && i < 100; i++) await sleep(100);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    if (this.inotifyRestore !== null) {
      try {
        writeFileSync(INOTIFY_INSTANCES, String(this.inotifyRestore));
      } catch (e) {
        this.log(`could not restore fs.inotify.max_user_instances to ${this.inotifyRestore}: ${(e as Error).message}`);
      }
      this.inotifyRestore = null;
    }
  }
}

/** imaptest is linked against libdovecot; Debian keeps it in /usr/lib/dovecot. */
export function dovecotLibraryPath(): string {
  return ['/usr/lib/dovecot', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export function hasExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
