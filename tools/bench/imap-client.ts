// A deliberately small IMAP client for timing: one command at a time, tagged responses, literals
// counted and skipped rather than decoded, no parsing beyond what a scenario asks for. The same code
// talks to both servers, so its (small) overhead cancels out in the ratio. imapflow would do more
// work per response than the servers do for some commands (FETCH FLAGS of a whole folder).
import { connect as netConnect, type Socket } from 'node:net';

export type Status = 'OK' | 'NO' | 'BAD';

export interface Untagged {
  /** the response's lines joined, literals replaced by their "{n}" markers */
  text: string;
  literalBytes: number;
}

export interface CommandResult {
  status: Status;
  /** the tagged line after the status word */
  text: string;
  untagged: Untagged[];
  untaggedCount: number;
  literalBytes: number;
}

export class ImapTimeout extends Error {}
export class ImapClosed extends Error {}

/** A command the server refused: scenarios report it as "not supported" with the reply. */
export class ImapRefused extends Error {
  constructor(readonly command: string, readonly result: CommandResult) {
    super(`${command.split(' ')[0]} → ${result.status} ${result.text}`.slice(0, 300));
  }
}

export interface CommandOptions {
  timeoutMs?: number;
  /** keep every untagged response (default: only count them) */
  collect?: boolean;
  onUntagged?: (u: Untagged) => void;
}

interface Pending {
  tag: string;
  command: string;
  collect: boolean;
  onUntagged?: (u: Untagged) => void;
  /** IDLE: untagged responses are notifications, not this command's data */
  unsolicited: boolean;
  untagged: Untagged[];
  count: number;
  literalBytes: number;
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  onContinuation?: () => void;
  timer: NodeJS.Timeout;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

/** An IMAP quoted string (RFC 3501 §4.3). */
export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

export class ImapClient {
  greeting = '';
  capabilities = new Set<string>();
  /** untagged responses that arrive while no command waits for them (IDLE, or between commands) */
  onUnsolicited: ((u: Untagged, at: number) => void) | null = null;
  /** received bytes of a line not yet complete */
  private partial: Buffer[] = [];
  private literalLeft = 0;
  private lineParts: string[] = [];
  private literalBytes = 0;
  private pending: Pending | null = null;
  private greetingWaiter: ((line: string) => void) | null = null;
  private tagCounter = 0;
  private closedError: Error | null = null;

  private constructor(private socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (e: Error) => {
      if (this.closedError) return;
      this.closedError = e;
      if (this.pending) {
        clearTimeout(this.pending.timer);
        this.pending.reject(e);
        this.pending = null;
      }
    };
    socket.on('error', (e) => fail(e));
    socket.on('close', () => fail(new ImapClosed('connection closed by the server')));
  }

  static connect(host: string, port: number, timeoutMs = 30_000): Promise<ImapClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const client = new ImapClient(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ImapTimeout(`no IMAP greeting from ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      client.greetingWaiter = (line) => {
        clearTimeout(timer);
        client.greeting = line;
        client.noteCapabilities(line);
        if (/^\* (OK|PREAUTH)/i.test(line)) resolve(client);
        else {
          socket.destroy();
          reject(new Error(`IMAP greeting refused: ${line.slice(0, 200)}`));
        }
      };
    });
  }

  private noteCapabilities(text: string): void {
    const m = /\[CAPABILITY ([^\]]*)\]/i.exec(text) ?? /^\* CAPABILITY (.*)$/i.exec(text);
    if (m) this.capabilities = new Set(m[1].trim().toUpperCase().split(/\s+/));
  }

  has(capability: string): boolean {
    return this.capabilities.has(capability.toUpperCase());
  }

  private onData(data: Buffer): void {
    let buf = data;
    if (this.partial.length > 0) {
      // the middle of a long line (a SORT or THREAD result of a million numbers): only the new
      // chunk needs searching, and the pieces are joined once, not once per chunk
      if (this.literalLeft === 0 && data.indexOf(0x0a) < 0) {
        this.partial.push(data);
        return;
      }
      buf = Buffer.concat([...this.partial, data]);
      this.partial = [];
    }
    let pos = 0;
    while (pos < buf.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, buf.length - pos);
        this.literalLeft -= take;
        this.literalBytes += take;
        pos += take;
        continue;
      }
      const lf = buf.indexOf(0x0a, pos);
      if (lf < 0) break;
      const end = lf > pos && buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const line = buf.toString('latin1', pos, end);
      pos = lf + 1;
      this.lineParts.push(line);
      const lit = /\{(\d+)\+?\}$/.exec(line);
      if (lit) {
        this.literalLeft = Number(lit[1]);
        continue;
      }
      const text = this.lineParts.length === 1 ? line : this.lineParts.join('');
      const literalBytes = this.literalBytes;
      this.lineParts = [];
      this.literalBytes = 0;
      this.dispatch(text, literalBytes);
    }
    if (pos < buf.length) this.partial = [buf.subarray(pos)];
  }

  private dispatch(text: string, literalBytes: number): void {
    if (this.greetingWaiter) {
      const w = this.greetingWaiter;
      this.greetingWaiter = null;
      w(text);
      return;
    }
    const p = this.pending;
    if (text.startsWith('* ')) {
      if (text.startsWith('* CAPABILITY ')) this.noteCapabilities(text);
      const u: Untagged = { text, literalBytes };
      if (p && !p.unsolicited && !p.onContinuation) {
        p.count++;
        p.literalBytes += literalBytes;
        if (p.collect) p.untagged.push(u);
        p.onUntagged?.(u);
      } else {
        this.onUnsolicited?.(u, performance.now());
      }
      return;
    }
    if (text.startsWith('+')) {
      if (p?.onContinuation) {
        const c = p.onContinuation;
        p.onContinuation = undefined;
        c();
      }
      return;
    }
    if (!p) return;
    const m = /^(\S+) (OK|NO|BAD)\b ?(.*)$/i.exec(text);
    if (!m || m[1] !== p.tag) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.noteCapabilities(m[3]);
    p.resolve({ status: m[2].toUpperCase() as Status, text: m[3], untagged: p.untagged, untaggedCount: p.count, literalBytes: p.literalBytes });
  }

  private start(command: string, o: CommandOptions, continuation?: () => void,
                unsolicited = false): { tag: string; done: Promise<CommandResult> } {
    if (this.closedError) throw this.closedError;
    if (this.pending) throw new Error('a command is already running on this connection');
    const tag = `b${++this.tagCounter}`;
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const done = new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.socket.destroy();
        reject(new ImapTimeout(`${command.split(' ')[0]} got no tagged reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        tag, command, collect: o.collect ?? false, onUntagged: o.onUntagged, unsolicited, untagged: [], count: 0,
        literalBytes: 0, resolve, reject, timer, onContinuation: continuation,
      };
    });
    return { tag, done };
  }

  /** Sends one command line and waits for its tagged reply (OK, NO or BAD: the caller decides). */
  command(command: string, o: CommandOptions = {}): Promise<CommandResult> {
    const { tag, done } = this.start(command, o);
    this.socket.write(`${tag} ${command}\r\n`);
    return done;
  }

  /** As command(), but a NO or BAD becomes an ImapRefused error. */
  async ok(command: string, o: CommandOptions = {}): Promise<CommandResult> {
    const r = await this.command(command, o);
    if (r.status !== 'OK') throw new ImapRefused(command, r);
    return r;
  }

  async login(user: string, password: string): Promise<void> {
    await this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
    if (this.capabilities.size === 0 || !this.has('IMAP4rev1')) await this.ok('CAPABILITY');
  }

  /** SELECT (or EXAMINE); returns EXISTS. */
  async select(mailbox: string, examine = false, o: CommandOptions = {}): Promise<number> {
    let exists = -1;
    await this.ok(`${examine ? 'EXAMINE' : 'SELECT'} ${quote(mailbox)}`, {
      ...o, onUntagged: (u) => {
        const m = /^\* (\d+) EXISTS/i.exec(u.text);
        if (m) exists = Number(m[1]);
      },
    });
    if (exists < 0) throw new Error(`SELECT ${mailbox}: no EXISTS response`);
    return exists;
  }

  /**
   * APPEND with a synchronizing literal (both servers accept it; LITERAL+ is not universal).
   * `sentAt` is when the last byte of the message went to the socket: the start of an IDLE
   * notification's latency.
   */
  async append(mailbox: string, message: Buffer, o: CommandOptions = {}): Promise<{ result: CommandResult; sentAt: number }> {
    let sentAt = 0;
    const command = `APPEND ${quote(mailbox)} {${message.length}}`;
    const { tag, done } = this.start(command, o, () => {
      this.socket.write(message);
      this.socket.write('\r\n');
      sentAt = performance.now();
    });
    this.socket.write(`${tag} ${command}\r\n`);
    const result = await done;
    return { result, sentAt };
  }

  /**
   * Starts IDLE and resolves when the server's continuation arrives; untagged responses then go
   * to onUnsolicited. The returned function ends IDLE (DONE) and waits for the tagged reply.
   */
  idle(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<() => Promise<CommandResult>> {
    return new Promise((resolve, reject) => {
      let started = false;
      const { tag, done } = this.start('IDLE', { timeoutMs: 2 * 3600_000 }, () => {
        started = true;
        clearTimeout(timer);
        resolve(async () => {
          this.socket.write('DONE\r\n');
          const t = setTimeout(() => this.socket.destroy(), timeoutMs);
          try {
            return await done;
          } finally {
            clearTimeout(t);
          }
        });
      }, true);
      const timer = setTimeout(() => {
        this.socket.destroy();
        reject(new ImapTimeout(`IDLE got no continuation within ${timeoutMs} ms`));
      }, timeoutMs);
      this.socket.write(`${tag} IDLE\r\n`);
      done.then((r) => {
        if (!started) {
          clearTimeout(timer);
          reject(new ImapRefused('IDLE', r));
        }
      }, (e: unknown) => {
        clearTimeout(timer);
        if (!started) reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  }

  async logout(timeoutMs = 10_000): Promise<void> {
    try {
      if (!this.closedError && !this.pending) await this.command('LOGOUT', { timeoutMs });
    } catch {
      // the connection is going away anyway
    } finally {
      this.close();
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Numbers of an untagged "* SEARCH 1 2 3" or "* SORT …" response. */
export function numbersOf(untagged: readonly Untagged[], keyword: string): number[] {
  const out: number[] = [];
  const prefix = `* ${keyword.toUpperCase()}`;
  for (const u of untagged) {
    if (!u.text.toUpperCase().startsWith(prefix)) continue;
    for (const t of u.text.slice(prefix.length).trim().split(/\s+/)) if (/^\d+$/.test(t)) out.push(Number(t));
  }
  return out;
}
