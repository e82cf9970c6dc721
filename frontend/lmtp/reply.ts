// LMTP replies (RFC 5321 §4.2 with RFC 3463 enhanced status codes, RFC 2034). Replies are built as
// objects and compiled here, so no command formats reply lines by hand.

export interface Reply {
  code: number;
  /** RFC 3463 enhanced status code ("2.1.5"); null for the greeting and the LHLO reply (RFC 2034 §3) */
  enhanced: string | null;
  /** one entry per line; a multi-line reply repeats the code on each line */
  lines: string[];
}

export function reply(code: number, enhanced: string | null, ...lines: string[]): Reply {
  return { code, enhanced, lines: lines.length ? lines : [''] };
}

/** A reply from the "NNN X.Y.Z text" strings of frontend/db/errors.ts. */
export function parseReply(text: string): Reply {
  const m = /^(\d{3}) (\d\.\d{1,3}\.\d{1,3}) (.*)$/.exec(text);
  if (!m) return reply(451, '4.3.0', text);
  return reply(Number(m[1]), m[2], m[3]);
}

export function compileReply(r: Reply): string {
  return r.lines.map((line, i) => {
    const sep = i === r.lines.length - 1 ? ' ' : '-';
    // CR or LF inside a line would let text (an address the client sent) start a reply of its own
    const clean = line.replace(/[\r\n]/g, ' ');
    return `${r.code}${sep}${r.enhanced ? r.enhanced + ' ' : ''}${clean}`.trimEnd() + '\r\n';
  }).join('');
}

/** Thrown by a command's parse (or execute) to answer with a reply instead of acting. */
export class LmtpError extends Error {
  constructor(public readonly reply: Reply) {
    super(reply.lines.join(' '));
  }
}

// Replies used by more than one command.
export const SYNTAX_ERROR = (what = 'Syntax error in parameters or arguments') => reply(501, '5.5.4', what);
export const BAD_SEQUENCE = (what = 'Bad sequence of commands') => reply(503, '5.5.1', what);
export const TOO_BIG = reply(552, '5.3.4', 'Message size exceeds fixed maximum message size');
