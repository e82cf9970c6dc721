// One POP3 connection (RFC 1939): reads command lines, dispatches them to frontend/pop3/commands
// and writes each reply, multi-line bodies included. PIPELINING (RFC 2449 §6.6): commands are
// taken from the input one at a time and answered in order; short replies are collected while
// more input is waiting and written together.
import type { ServerContext } from '../context.ts';
import { plaintextAllowed } from '../context.ts';
import type { AuthenticatedUser } from '../auth/verify.ts';
import type { Logger } from '../log.ts';
import { ConnectionClosed, LineTooLong, type Connection } from '../net/connection.ts';
import { AUTH_FAILURE_DELAY_MS, MAX_AUTH_FAILURES, MAX_BAD_COMMANDS, MAX_LINE, POP3_IDLE_TIMEOUT_MS } from '../net/limits.ts';
import type { Pop3State } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import type { Maildrop } from './maildrop.ts';
import { skipLongLine } from '../lmtp/lines.ts';
import { Pop3Error, compileStatus, err, type Pop3Reply } from './reply.ts';

export interface Pop3SessionOptions {
  idleTimeoutMs?: number;
  authFailureDelayMs?: number;
}

/** Thrown by challenge() when the client cancels a SASL exchange with "*" (RFC 5034 §4). */
export class SaslCancelled extends Error {}

export class Pop3Session {
  state: Pop3State = 'authorization';
  /** the name given with USER, waiting for PASS */
  pendingLogin: string | null = null;
  user: AuthenticatedUser | null = null;
  maildrop: Maildrop | null = null;
  readonly log: Logger;
  /** releases the maildrop lock (frontend/pop3/locks.ts) */
  unlock: (() => void) | null = null;
  private authFailures = 0;
  private badCommands = 0;
  private pending: string[] = [];
  private closing = false;
  private readonly idleTimeoutMs: number;
  private readonly authFailureDelayMs: number;

  constructor(readonly ctx: ServerContext, readonly conn: Connection, options: Pop3SessionOptions = {}) {
    this.log = ctx.log.child({ proto: 'pop3', remote: conn.remoteAddress });
    this.idleTimeoutMs = options.idleTimeoutMs ?? POP3_IDLE_TIMEOUT_MS;
    this.authFailureDelayMs = options.authFailureDelayMs ?? AUTH_FAILURE_DELAY_MS;
  }

  /** May this connection carry a password in clear (USER/PASS, PLAIN, LOGIN)? */
  get plaintextAllowed(): boolean {
    return plaintextAllowed(this.ctx, this.conn.secure, this.conn.isLoopback);
  }

  /** STLS is offered while the connection is in clear and a certificate is configured. */
  get tlsAvailable(): boolean {
    return this.ctx.tls !== null && !this.conn.secure;
  }

  async run(): Promise<void> {
    this.ctx.sessions.add(this);
    // RFC 1939 §3: the autologout timer closes silently and does not enter the UPDATE state
    this.conn.setIdleTimeout(this.idleTimeoutMs, () => {
      this.log.info('idle timeout');
      this.closing = true;
      this.conn.destroy();
    });
    try {
      await this.write(compileStatus({ ok: true, text: `${this.ctx.hostname} POP3 server ready` }));
      while (!this.closing && !this.conn.isClosed) {
        if (!this.conn.hasBufferedInput) await this.flush();
        const line = await this.readLine();
        if (line !== null) await this.handle(line);
      }
      await this.flush();
    } catch (e) {
      if (!(e instanceof ConnectionClosed)) this.log.error({ err: e }, 'pop3 session failed');
    } finally {
      this.end();
      if (!this.conn.isClosed) await this.conn.close();
    }
  }

  /** Forgets the session's hold on the maildrop; nothing is deleted (only QUIT deletes). */
  private end(): void {
    this.ctx.sessions.delete(this);
    this.unlock?.();
    this.unlock = null;
    this.maildrop = null;
  }

  /** The next line; null after a line that was too long (skipped, answered with -ERR). */
  private async readLine(): Promise<Buffer | null> {
    try {
      return await this.conn.readLine(MAX_LINE);
    } catch (e) {
      if (!(e instanceof LineTooLong)) throw e;
      await skipLongLine(this.conn, e);
      await this.bad(err('Line too long'));
      return null;
    }
  }

  private async write(text: string): Promise<void> {
    this.pending.push(text);
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    await this.conn.write(text);
  }

  private async handle(raw: Buffer): Promise<void> {
    const line = raw.toString('utf8');
    const m = /^([A-Za-z]{1,8})(?: (.*))?$/s.exec(line);
    const command = m ? COMMANDS.get(m[1].toUpperCase()) : undefined;
    if (!m || !command) return this.bad(err('Unknown command'));
    if (!command.states.includes(this.state)) return this.bad(err('Command not valid in this state'));
    let reply: Pop3Reply;
    try {
      reply = await command.execute(this, command.parse(m[2] ?? ''));
      this.badCommands = 0;
    } catch (e) {
      if (e instanceof ConnectionClosed) throw e;
      if (e instanceof Pop3Error) {
        reply = e.reply;
      } else {
        // a bug or an unexpected failure: say so rather than vanish; nothing is deleted (no UPDATE)
        this.log.error({ err: e, command: command.name }, 'pop3 command failed');
        reply = { ...err('[SYS/TEMP] Internal error, closing connection'), after: () => this.quit() };
      }
    }
    await this.send(reply);
  }

  private async bad(reply: Pop3Reply): Promise<void> {
    this.badCommands++;
    await this.send(reply);
    if (this.badCommands >= MAX_BAD_COMMANDS) {
      await this.send(err('Too many bad commands, closing connection'));
      this.closing = true;
    }
  }

  /** Writes a reply: status line, then the body and "." if multi-line, then its after-action. */
  async send(reply: Pop3Reply): Promise<void> {
    this.pending.push(compileStatus(reply));
    if (reply.body) {
      await this.flush();
      try {
        for await (const part of reply.body) {
          if (part.length) await this.conn.write(part);
        }
      } catch (e) {
        // the +OK is out: the only honest thing left is to end the connection mid-response
        this.log.error({ err: e }, 'multi-line response failed');
        this.closing = true;
        this.conn.destroy();
        return;
      }
      this.pending.push('.\r\n');
    }
    if (reply.after) {
      await this.flush();
      await reply.after();
    }
  }

  /** SASL (RFC 5034 §4): sends "+ base64" and returns the client's decoded response. */
  async challenge(data: Buffer): Promise<Buffer> {
    await this.write(`+ ${data.toString('base64')}\r\n`);
    const line = await this.readLine();
    if (line === null) throw new SaslCancelled();
    const text = line.toString('latin1').trim();
    if (text === '*') throw new SaslCancelled();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Pop3Error(err('Invalid base64 in SASL response'));
    return Buffer.from(text, 'base64');
  }

  /**
   * After a wrong password: logs it (never the password), waits longer with each failure, and
   * closes the connection after MAX_AUTH_FAILURES.
   */
  async authFailed(login: string, mechanism: string): Promise<Pop3Reply> {
    this.authFailures++;
    this.log.warn({ login, mechanism, failures: this.authFailures }, 'pop3 authentication failed');
    await new Promise((r) => setTimeout(r, this.authFailureDelayMs * this.authFailures));
    if (this.authFailures >= MAX_AUTH_FAILURES) {
      return { ...err('[AUTH] Authentication failed, closing connection'), after: () => this.quit() };
    }
    return err('[AUTH] Authentication failed');
  }

  /** Ends the session after the current reply. */
  async quit(): Promise<void> {
    this.closing = true;
    this.end();
    await this.conn.close();
  }

  async shutdown(reason: string): Promise<void> {
    this.closing = true;
    // RFC 1939 §6: a session ended by anything but QUIT deletes nothing
    this.pending.push(compileStatus(err(`[SYS/TEMP] ${reason}`)));
    await this.flush().catch(() => undefined);
    this.end();
    await this.conn.close();
  }
}
