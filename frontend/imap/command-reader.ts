// Reads one complete IMAP command from a connection: the command line and, for every literal it
// announces, the continuation request (synchronizing `{n}` only), the n bytes and the line that
// follows, until a line ends without a literal. The result is one Buffer with the literals inline,
// the form frontend/imap/parser.ts reads.
//
// Limits (frontend/net/limits.ts) are enforced here, before bytes pile up: a line longer than
// MAX_LINE is answered BAD and the stream resynchronised at the next LF; a literal over its limit
// is refused before the client sends it when it is synchronizing (no "+" is sent), and read and
// thrown away when it is non-synchronizing (RFC 7888 §4: the client sends it regardless), so the
// next command is found where the client put it. The server offers LITERAL+ (any size up to these
// limits), which includes all LITERAL- allows; it does not also list LITERAL- (RFC 7888 §5 is for
// servers that cannot take big non-synchronizing literals).
import type { Connection } from '../net/connection.ts';
import { LineTooLong } from '../net/connection.ts';
import { MAX_COMMAND_BYTES, MAX_LINE, MAX_NON_APPEND_LITERAL } from '../net/limits.ts';
import { Code, type ResponseCode } from './compiler.ts';

export interface CommandLimits {
  /** largest message APPEND accepts (APPENDLIMIT) */
  appendLimit: number;
  maxLine?: number;
  maxLiteral?: number;
  maxCommand?: number;
}

export type ReadOutcome =
  | { kind: 'command'; bytes: Buffer }
  /** refused by a limit; the stream is in sync again and the caller answers with this */
  | { kind: 'rejected'; tag: string | null; status: 'NO' | 'BAD'; code: ResponseCode | null; text: string };

const CRLF = Buffer.from('\r\n');
// `{n}`, `{n+}`, `~{n}` (RFC 3516 literal8) at the very end of a line
const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}$/;
const COMMAND_START = /^([^ ]+) (?:(UID) )?([A-Za-z]+)/;

/** Reads a line; a too-long one is thrown away up to its LF and reported as null. */
async function readLineOrSkip(conn: Connection, maxLine: number): Promise<Buffer | null> {
  try {
    return await conn.readLine(maxLine);
  } catch (e) {
    if (!(e instanceof LineTooLong)) throw e;
    if (!e.consumed) await skipRestOfLine(conn, maxLine);
    return null;
  }
}

/** After an over-long line whose start is still buffered: discard up to and including its LF. */
async function skipRestOfLine(conn: Connection, maxLine: number): Promise<void> {
  for (;;) {
    // LineTooLong without consumption means more than maxLine bytes without an LF are buffered
    await conn.discardBytes(maxLine);
    try {
      await conn.readLine(maxLine);
      return;
    } catch (e) {
      if (!(e instanceof LineTooLong)) throw e;
      if (e.consumed) return;
    }
  }
}

/**
 * After refusing a non-synchronizing literal: read and drop it and whatever the client pipelined
 * for the rest of the command (more non-synchronizing literals), so the stream stays in sync. A
 * synchronizing literal later on ends this: the client waits for "+" and gets the tagged reply.
 */
async function discardRest(conn: Connection, firstLiteral: number, maxLine: number): Promise<void> {
  await conn.discardBytes(firstLiteral);
  for (;;) {
    const line = await readLineOrSkip(conn, maxLine);
    if (line === null) return;
    const m = LITERAL_AT_END.exec(line.toString('latin1', Math.max(0, line.length - 30)));
    if (!m || m[3] !== '+') return;
    await conn.discardBytes(Number(m[2]));
  }
}

/**
 * Reads the next command. `continuation` is called (and awaited) before each synchronizing
 * literal is read; it writes "+ …". Throws ConnectionClosed when the peer goes away, also in the
 * middle of a literal (nothing of a half-read command is ever acted on).
 */
export async function readCommand(conn: Connection, limits: CommandLimits,
                                  continuation: () => Promise<void>): Promise<ReadOutcome> {
  const maxLine = limits.maxLine ?? MAX_LINE;
  const maxLiteral = limits.maxLiteral ?? MAX_NON_APPEND_LITERAL;
  const maxCommand = limits.maxCommand ?? MAX_COMMAND_BYTES;
  let line = await readLineOrSkip(conn, maxLine);
  if (line === null) return { kind: 'rejected', tag: null, status: 'BAD', code: Code.limit(), text: 'Command line too long' };
  const start = COMMAND_START.exec(line.toString('latin1', 0, Math.min(line.length, 200)));
  const tag = start ? start[1] : null;
  const isAppend = start !== null && start[2] === undefined && start[3].toUpperCase() === 'APPEND';
  const pieces: Buffer[] = [];
  let total = 0;
  for (;;) {
    total += line.length;
    const m = LITERAL_AT_END.exec(line.toString('latin1', Math.max(0, line.length - 30)));
    if (!m) {
      pieces.push(line);
      break;
    }
    const size = Number(m[2]);
    const nonSync = m[3] === '+';
    const limit = isAppend ? limits.appendLimit : maxLiteral;
    if (size > limit || total + size > maxCommand) {
      if (nonSync) await discardRest(conn, size, maxLine);
      if (isAppend) return { kind: 'rejected', tag, status: 'NO', code: Code.tooBig(), text: 'Message too large' };
      // RFC 7888 §4: a literal too big to accept gets a tagged BAD with [TOOBIG] (RFC 4469 §5)
      return { kind: 'rejected', tag, status: 'BAD', code: Code.tooBig(), text: 'Literal too large' };
    }
    if (!nonSync) await continuation();
    const literal = await conn.readBytes(size);
    total += size + 2;
    pieces.push(line, CRLF, literal);
    const next = await readLineOrSkip(conn, maxLine);
    if (next === null) return { kind: 'rejected', tag, status: 'BAD', code: Code.limit(), text: 'Command line too long' };
    line = next;
  }
  return { kind: 'command', bytes: pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, total) };
}
