// One table from database errors to protocol replies. Database error text never reaches a client;
// the caller logs it. SQLSTATEs of class AX are raised by our SQL functions (db/functions).

export interface ProtocolError {
  /** IMAP: tagged status and response code */
  imap: { status: 'NO' | 'BAD'; code: string | null; text: string };
  /** POP3 -ERR with RFC 2449/3206 response code */
  pop3: string;
  /** LMTP/SMTP reply with enhanced status code (RFC 3463) */
  lmtp: string;
  /** true when retrying the whole transaction may succeed */
  retry: boolean;
}

const TABLE: Record<string, ProtocolError> = {
  AXNEX: { imap: { status: 'NO', code: 'NONEXISTENT', text: 'No such mailbox or message' }, pop3: '-ERR no such message', lmtp: '550 5.1.1 No such user here', retry: false },
  AXEXI: { imap: { status: 'NO', code: 'ALREADYEXISTS', text: 'Already exists' }, pop3: '-ERR already exists', lmtp: '550 5.2.0 Already exists', retry: false },
  AXPRM: { imap: { status: 'NO', code: 'NOPERM', text: 'Permission denied' }, pop3: '-ERR permission denied', lmtp: '550 5.7.1 Delivery not authorized', retry: false },
  AXQTA: { imap: { status: 'NO', code: 'OVERQUOTA', text: 'Over quota' }, pop3: '-ERR over quota', lmtp: '452 4.2.2 Mailbox full', retry: false },
  AXAUT: { imap: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' }, pop3: '-ERR [AUTH] Authentication failed', lmtp: '535 5.7.8 Authentication failed', retry: false },
  AXLIM: { imap: { status: 'NO', code: 'LIMIT', text: 'Limit exceeded' }, pop3: '-ERR limit exceeded', lmtp: '452 4.3.1 Limit exceeded', retry: false },
  AXBAD: { imap: { status: 'BAD', code: null, text: 'Invalid argument' }, pop3: '-ERR invalid argument', lmtp: '501 5.5.4 Invalid argument', retry: false },
};

const TRANSIENT: ProtocolError = {
  imap: { status: 'NO', code: 'UNAVAILABLE', text: 'Temporary server failure, try again' },
  pop3: '-ERR [SYS/TEMP] Temporary server failure, try again',
  lmtp: '451 4.3.0 Temporary server failure, try again later',
  retry: false,
};

/** SQLSTATEs after which the same transaction, run again, may succeed. */
const RETRYABLE = new Set(['40001', '40P01']);

export function sqlState(e: unknown): string | null {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code : null;
}

export function isRetryable(e: unknown): boolean {
  const s = sqlState(e);
  return s !== null && RETRYABLE.has(s);
}

/** The protocol reply for any error thrown by a database call. */
export function protocolError(e: unknown): ProtocolError {
  const s = sqlState(e);
  if (s && TABLE[s]) return TABLE[s];
  return { ...TRANSIENT, retry: s !== null && RETRYABLE.has(s) };
}

/** True for our own AX-class errors (expected outcomes, not server faults). */
export function isMailError(e: unknown): boolean {
  const s = sqlState(e);
  return s !== null && s.startsWith('AX');
}
