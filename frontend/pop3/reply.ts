// POP3 replies (RFC 1939 §3): a status line "+OK text" or "-ERR [CODE] text" (RFC 2449 §8,
// RFC 3206), optionally followed by a multi-line body that the session terminates with ".".
// Commands return these objects; only the session writes to the connection.

import { protocolError } from '../db/errors.ts';

export type BodyPart = Buffer | string;

export interface Pop3Reply {
  ok: boolean;
  text: string;
  /** a multi-line body: CRLF-terminated, already dot-stuffed lines; the session adds "." */
  body?: Iterable<BodyPart> | AsyncIterable<BodyPart>;
  /** runs after the reply has been written and flushed (STLS starts TLS, QUIT closes) */
  after?: () => Promise<void>;
}

export const ok = (text: string, body?: Pop3Reply['body']): Pop3Reply => ({ ok: true, text, body });
export const err = (text: string): Pop3Reply => ({ ok: false, text });

/** A body of short lines (CAPA, LIST, UIDL, AUTH); none of them starts with "." */
export function* lineBody(lines: Iterable<string>, batch = 1000): Iterable<string> {
  let buf: string[] = [];
  for (const line of lines) {
    buf.push(line.startsWith('.') ? '.' + line : line);
    if (buf.length >= batch) {
      yield buf.join('\r\n') + '\r\n';
      buf = [];
    }
  }
  if (buf.length) yield buf.join('\r\n') + '\r\n';
}

export function compileStatus(r: Pop3Reply): string {
  // CR/LF in the text (a login echoed back) must not start a line of its own
  return `${r.ok ? '+OK' : '-ERR'}${r.text ? ' ' + r.text.replace(/[\r\n]/g, ' ') : ''}\r\n`;
}

/** Thrown by parse or execute to answer with -ERR. */
export class Pop3Error extends Error {
  constructor(public readonly reply: Pop3Reply) {
    super(reply.text);
  }
}

export const NO_SUCH_MESSAGE = err('No such message');

/** The -ERR for a failed database call: [SYS/TEMP] unless it was one of our own AX errors. */
export function databaseError(e: unknown): Pop3Reply {
  return err(protocolError(e).pop3.replace(/^-ERR ?/, ''));
}
