// Errors raised while reading a client command. They live apart from parser.ts so that every module
// of the protocol library (utf7.ts, seqset.ts, the grammar) can throw them without import cycles;
// parser.ts re-exports them.

/**
 * The command does not match the IMAP grammar. The dispatcher answers it with a tagged BAD whose text
 * is `message`, so the message is short, human and never echoes large parts of the input.
 */
export class ParseError extends Error {
  /** byte offset into the command at which the problem was noticed, when known */
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super(message);
    this.name = 'ParseError';
    this.position = position;
  }
}

/**
 * A mailbox name that is well-formed IMAP but not valid modified UTF-7 (RFC 3501 §5.1.3). It names
 * no mailbox that can exist, so the command fails with NO, as for any other missing mailbox,
 * rather than BAD: the syntax of the command is fine.
 */
export class InvalidMailboxName extends ParseError {
  constructor(message: string, position?: number) {
    super(message, position);
    this.name = 'InvalidMailboxName';
  }
}

/**
 * A SEARCH, SORT or THREAD named a charset we cannot decode. This is not a syntax error: RFC 3501
 * §6.4.4 answers it with `NO [BADCHARSET (…)]`, listing `supported`.
 */
export class BadCharsetError extends Error {
  readonly charset: string;
  readonly supported: readonly string[];

  constructor(charset: string, supported: readonly string[]) {
    super(`Unsupported charset ${charset.replace(/[^\x21-\x7e]/g, '?').slice(0, 40)}`);
    this.name = 'BadCharsetError';
    this.charset = charset;
    this.supported = supported;
  }
}
