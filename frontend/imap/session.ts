// One IMAP connection's state (RFC 3501 §3): not authenticated, authenticated, selected, logout;
// the logged-in user, the enabled extensions, the selected mailbox's view, and the counters that
// end abusive connections. Everything that two sessions could disagree about lives in SQL; this
// holds only what is private to the connection.
import type { AuthenticatedUser } from '../auth/verify.ts';
import { plaintextAllowed, type ServerContext } from '../context.ts';
import type { Logger } from '../log.ts';
import type { Connection } from '../net/connection.ts';
import {
  AUTH_FAILURE_DELAY_MS, IDLE_TIMEOUT_AUTHENTICATED_MS, IDLE_TIMEOUT_UNAUTHENTICATED_MS, SAFETY_POLL_MS,
} from '../net/limits.ts';
import { ResponseWriter, type ResponseCode, type ResponseValue, type Status, type UntaggedStatus } from './compiler.ts';
import { Cursor } from './parser.ts';
import type { Notifier } from './notify.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import { encodeMailboxName } from './utf7.ts';

export type SessionState = 'notauth' | 'auth' | 'selected' | 'logout';

/**
 * Timings a test may shorten (sinon.replace on this object); production uses the named limits.
 */
export const sessionTiming = {
  authFailureDelayMs: AUTH_FAILURE_DELAY_MS,
  safetyPollMs: SAFETY_POLL_MS,
  idleTimeoutAuthenticatedMs: IDLE_TIMEOUT_AUTHENTICATED_MS,
  idleTimeoutUnauthenticatedMs: IDLE_TIMEOUT_UNAUTHENTICATED_MS,
  /** how soon a failed change poll is retried while the client idles */
  refreshRetryMs: 2000,
};

/** Responses bigger than this are written in pieces, so FETCH output streams with back-pressure. */
const WRITE_CHUNK = 256 * 1024;

let sessionCounter = 0;

export class Session {
  readonly id = ++sessionCounter;
  state: SessionState = 'notauth';
  user: AuthenticatedUser | null = null;
  selected: SelectedMailbox | null = null;
  /** ENABLEd extensions (RFC 5161) and CONDSTORE once any CONDSTORE-enabling command ran */
  readonly enabled = new Set<string>();
  authFailures = 0;
  badCommands = 0;
  /** the NOTIFY SET in force (RFC 5465), or null */
  notifier: Notifier | null = null;
  /** the client sent IDLE and has not said DONE */
  idling = false;
  readonly log: Logger;
  private closing = false;

  constructor(readonly ctx: ServerContext, readonly conn: Connection) {
    this.log = ctx.log.child({ imap: this.id, peer: conn.remoteAddress });
    this.setTimeout(sessionTiming.idleTimeoutUnauthenticatedMs);
  }

  get appendLimit(): number {
    return this.ctx.config.get('appendlimit');
  }

  /**
   * UTF-8 in quoted strings and mailbox names: after ENABLE UTF8=ACCEPT (RFC 6855), and after
   * ENABLE IMAP4rev2, whose mailbox names are UTF-8 and whose quoted strings may hold UTF-8
   * (RFC 9051 §5.1, §9 "quoted").
   */
  get utf8Accept(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.rev2;
  }

  /**
   * ENABLE IMAP4rev2 (RFC 9051 §6.3.1): the session follows IMAP4rev2 where it differs from
   * IMAP4rev1 — no \Recent and no RECENT response, SEARCH answered with ESEARCH, SELECT sends
   * the mailbox's LIST response and no [UNSEEN] (Appendix E).
   */
  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  /** RFC 7162 §3.1: MODSEQ goes into FETCH responses once CONDSTORE is enabled */
  get condstore(): boolean {
    return this.enabled.has('CONDSTORE') || this.enabled.has('QRESYNC');
  }

  get qresync(): boolean {
    return this.enabled.has('QRESYNC');
  }

  /** RFC 7162 §3.1: a CONDSTORE-enabling command was used. */
  enableCondstore(): void {
    // §3.1: enabled while a mailbox is selected, the client learns its HIGHESTMODSEQ now
    if (!this.condstore && this.selected) this.selected.announceHighestModseq = true;
    this.enabled.add('CONDSTORE');
  }

  plaintextAllowed(): boolean {
    return plaintextAllowed(this.ctx, this.conn.secure, this.conn.isLoopback);
  }

  /** The logged-in user's id; commands only run in states where there is one. */
  get userId(): number {
    if (!this.user) throw new Error('no user logged in');
    return this.user.id;
  }

  /** The selected mailbox; commands valid only in the selected state use this. */
  get box(): SelectedMailbox {
    if (!this.selected) throw new Error('no mailbox selected');
    return this.selected;
  }

  cursor(bytes: Buffer): Cursor {
    return new Cursor(bytes, { utf8Accept: this.utf8Accept });
  }

  writer(): ResponseWriter {
    return new ResponseWriter({ utf8: this.utf8Accept });
  }

  /** A mailbox name as the client must see it: modified UTF-7, or UTF-8 after UTF8=ACCEPT. */
  wireName(name: string): string {
    return encodeMailboxName(name, this.utf8Accept);
  }

  /** Writes what a writer holds; awaits the socket's drain, so big responses apply back-pressure. */
  async send(w: ResponseWriter): Promise<void> {
    const chunks = w.take();
    let batch: Buffer[] = [];
    let size = 0;
    for (const c of chunks) {
      batch.push(c);
      size += c.length;
      if (size >= WRITE_CHUNK) {
        await this.conn.write(batch.length === 1 ? batch[0] : Buffer.concat(batch, size));
        batch = [];
        size = 0;
      }
    }
    if (size > 0) await this.conn.write(batch.length === 1 ? batch[0] : Buffer.concat(batch, size));
  }

  /** Sends the writer's content once it has grown large (inside loops that build many responses). */
  async sendIfLarge(w: ResponseWriter): Promise<void> {
    if (w.length >= WRITE_CHUNK) await this.send(w);
  }

  async untagged(...values: ResponseValue[]): Promise<void> {
    await this.send(this.writer().untagged(...values));
  }

  async status(status: UntaggedStatus, code: ResponseCode | null, text: string): Promise<void> {
    await this.send(this.writer().status(status, code, text));
  }

  async tagged(tag: string, status: Status, code: ResponseCode | null, text: string): Promise<void> {
    await this.send(this.writer().tagged(tag, status, code, text));
  }

  async continuation(text = ''): Promise<void> {
    await this.send(this.writer().continuation(text));
  }

  setTimeout(ms: number): void {
    this.conn.setIdleTimeout(ms, () => {
      this.log.info('idle timeout');
      void this.shutdown('Autologout; idle for too long');
    });
  }

  /** The user has authenticated (LOGIN, AUTHENTICATE). */
  loggedIn(user: AuthenticatedUser): void {
    this.user = user;
    this.state = 'auth';
    this.authFailures = 0;
    this.setTimeout(sessionTiming.idleTimeoutAuthenticatedMs);
    this.log.info({ login: user.login }, 'logged in');
  }

  /** Leaves the selected state (CLOSE, UNSELECT, a new SELECT, LOGOUT). */
  deselect(): void {
    if (this.selected) this.notifier?.selectionChanged(this.selected.id);
    this.selected?.close();
    this.selected = null;
    if (this.state === 'selected') this.state = 'auth';
  }

  get isClosing(): boolean {
    return this.closing || this.conn.isClosed;
  }

  /** Says BYE and closes (server shutdown, autologout, too many errors). */
  async shutdown(reason: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      await this.status('BYE', null, reason);
    } catch {
      // the peer may be gone already
    }
    this.cleanup();
    await this.conn.close();
  }

  /** Releases what the session holds (subscriptions, timers); idempotent. */
  cleanup(): void {
    this.closing = true;
    this.notifier?.close();
    this.notifier = null;
    this.deselect();
    this.state = 'logout';
  }
}
