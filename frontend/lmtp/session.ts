// One LMTP connection (RFC 2033): reads command lines, dispatches them to frontend/lmtp/commands,
// and writes the replies in order. PIPELINING (RFC 2920) needs nothing special: commands are taken
// from the input one at a time and answered in order; replies are collected while more pipelined
// input is waiting and written together once the client has to wait for us.
import type { ServerContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { ConnectionClosed, LineTooLong, type Connection } from '../net/connection.ts';
import { LMTP_IDLE_TIMEOUT_MS, MAX_BAD_COMMANDS, MAX_LINE } from '../net/limits.ts';
import type { Phase, Transaction } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { SHUTDOWN_GRACE_MS } from './limits.ts';
import { skipLongLine } from './lines.ts';
import { LmtpError, compileReply, reply, BAD_SEQUENCE, type Reply } from './reply.ts';

export interface LmtpSessionOptions {
  idleTimeoutMs?: number;
}

export class LmtpSession {
  /** the LHLO name, null before LHLO */
  heloName: string | null = null;
  tx: Transaction | null = null;
  readonly log: Logger;
  /** set by a command that must end the session after its reply (QUIT, an unrecoverable BDAT) */
  closeAfterReply = false;
  private pending: string[] = [];
  private badCommands = 0;
  private closing = false;
  /** an inject running in the database: its outcome must reach the client before we close */
  private delivering: Promise<unknown> | null = null;
  private readonly idleTimeoutMs: number;

  constructor(readonly ctx: ServerContext, readonly conn: Connection, options: LmtpSessionOptions = {}) {
    this.log = ctx.log.child({ proto: 'lmtp', remote: conn.remoteAddress });
    this.idleTimeoutMs = options.idleTimeoutMs ?? LMTP_IDLE_TIMEOUT_MS;
  }

  get phase(): Phase {
    if (this.heloName === null) return 'start';
    if (!this.tx) return 'ready';
    if (this.tx.chunks) return 'bdat';
    return this.tx.recipients.length ? 'rcpt' : 'mail';
  }

  /** The largest message accepted (SIZE, RFC 1870). */
  get maxMessage(): number {
    return this.ctx.config.get('appendlimit');
  }

  /** Ends the mail transaction (RSET, LHLO, after DATA). */
  reset(): void {
    this.tx = null;
  }

  /** Queues a reply; it is written by the next flush. */
  queue(r: Reply): void {
    this.pending.push(compileReply(r));
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    await this.conn.write(text);
  }

  /** Writes a reply now (354 before the client may send the message). */
  async send(r: Reply): Promise<void> {
    this.queue(r);
    await this.flush();
  }

  async run(): Promise<void> {
    this.ctx.sessions.add(this);
    this.conn.setIdleTimeout(this.idleTimeoutMs, () => this.idle());
    try {
      await this.send(reply(220, null, `${this.ctx.hostname} LMTP server ready`));
      while (!this.closing && !this.conn.isClosed) {
        if (!this.conn.hasBufferedInput) await this.flush();
        let line: Buffer;
        try {
          line = await this.conn.readLine(MAX_LINE);
        } catch (e) {
          if (!(e instanceof LineTooLong)) throw e;
          await skipLongLine(this.conn, e);
          await this.bad(reply(500, '5.5.2', 'Line too long'));
          if (this.closeAfterReply) break;
          continue;
        }
        await this.handle(line);
        if (this.closeAfterReply) break;
      }
      await this.flush();
    } catch (e) {
      if (!(e instanceof ConnectionClosed)) this.log.error({ err: e }, 'lmtp session failed');
    } finally {
      this.ctx.sessions.delete(this);
      this.tx = null;
      if (!this.conn.isClosed) await this.conn.close();
    }
  }

  private async bad(r: Reply): Promise<void> {
    this.badCommands++;
    if (this.badCommands >= MAX_BAD_COMMANDS) {
      this.queue(r);
      this.queue(reply(421, '4.7.0', `${this.ctx.hostname} Too many errors, closing connection`));
      this.closeAfterReply = true;
      return;
    }
    this.queue(r);
  }

  private async handle(raw: Buffer): Promise<void> {
    const line = raw.toString('utf8');
    const m = /^([A-Za-z]{1,16})(?: (.*))?$/s.exec(line);
    const command = m ? COMMANDS.get(m[1].toUpperCase()) : undefined;
    if (!m || !command || line.includes('\uFFFD')) {
      return this.bad(reply(500, '5.5.2', 'Syntax error, command unrecognized'));
    }
    if (!command.phases.includes(this.phase)) {
      return this.bad(BAD_SEQUENCE(command.sequenceError?.[this.phase]));
    }
    let args: unknown;
    try {
      args = command.parse(m[2] ?? '');
    } catch (e) {
      if (e instanceof LmtpError) return this.bad(e.reply);
      throw e;
    }
    try {
      const result = await command.execute(this, args);
      for (const r of Array.isArray(result) ? result : [result]) this.queue(r);
      this.badCommands = 0;
    } catch (e) {
      if (e instanceof LmtpError) return this.bad(e.reply);
      if (e instanceof ConnectionClosed) throw e;
      // a bug or an unexpected failure: say so (temporarily) rather than vanish, and start afresh
      this.log.error({ err: e, command: command.name }, 'lmtp command failed');
      this.queue(reply(421, '4.3.0', `${this.ctx.hostname} Internal error, closing connection`));
      this.closeAfterReply = true;
    }
  }

  /** Runs a delivery, so that idle timeout and shutdown wait for its commit and its replies. */
  async deliver<T>(work: Promise<T>): Promise<T> {
    this.delivering = work;
    try {
      return await work;
    } finally {
      this.delivering = null;
    }
  }

  private idle(): void {
    // a delivery still running inside the database is not idleness: look again later
    if (this.delivering) {
      this.conn.setIdleTimeout(this.idleTimeoutMs, () => this.idle());
      return;
    }
    this.closing = true;
    this.log.info('idle timeout');
    this.queue(reply(421, '4.4.2', `${this.ctx.hostname} Idle timeout, closing connection`));
    void this.flush().then(() => this.conn.close());
  }

  /** Server shutdown: lets a delivery in progress finish (so its replies stay true), then 421. */
  async shutdown(reason: string): Promise<void> {
    this.closing = true;
    if (this.delivering) {
      await Promise.race([this.delivering.catch(() => undefined),
        new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())]);
      // the command's per-recipient replies are queued right after the commit; let them go first
      await new Promise((r) => setImmediate(r));
    }
    this.queue(reply(421, '4.3.2', `${this.ctx.hostname} ${reason}`));
    await this.flush().catch(() => undefined);
    await this.conn.close();
  }
}
