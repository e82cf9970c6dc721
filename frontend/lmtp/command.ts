// What every LMTP command module exports (DESIGN §6): its verb, the phases it is valid in, a pure
// parse that throws LmtpError for bad arguments, and execute. The session alone writes replies.
import type { Reply } from './reply.ts';
import type { LmtpSession } from './session.ts';

/**
 * Where a session is in the dialogue (RFC 5321 §4.1.4): before LHLO, between transactions, after
 * MAIL, after at least one accepted RCPT, and while BDAT chunks arrive (RFC 3030).
 */
export type Phase = 'start' | 'ready' | 'mail' | 'rcpt' | 'bdat';
export const ALL_PHASES: readonly Phase[] = ['start', 'ready', 'mail', 'rcpt', 'bdat'];

export interface LmtpCommand<A = unknown> {
  name: string;
  phases: readonly Phase[];
  /** the 503 text when used out of sequence, per phase */
  sequenceError?: Partial<Record<Phase, string>>;
  /** pure: the arguments after the verb (without the separating space) */
  parse(args: string): A;
  /** the reply, or one reply per recipient after DATA / BDAT LAST (RFC 2033 §4.2) */
  execute(session: LmtpSession, args: A): Promise<Reply | Reply[]>;
}

/** Keeps each module's argument type while letting the registry hold them all. */
export function defineCommand<A>(c: LmtpCommand<A>): LmtpCommand<A> {
  return c;
}

/** The mail transaction (RFC 5321 §3.3) from MAIL to the end of DATA or BDAT LAST. */
export interface Transaction {
  reversePath: string;
  /** SIZE= from MAIL (RFC 1870), if given */
  declaredSize: number | null;
  body: '7BIT' | '8BITMIME' | 'BINARYMIME';
  /** SMTPUTF8 was given (RFC 6531): UTF-8 addresses allowed, Received says UTF8LMTP */
  smtputf8: boolean;
  recipients: Recipient[];
  /** BDAT chunks received so far (RFC 3030); null until the first BDAT */
  chunks: Buffer[] | null;
  chunkBytes: number;
}

export interface Recipient {
  /** the forward-path as the client wrote it (for replies and the Received field) */
  path: string;
  mailbox: number;
}
