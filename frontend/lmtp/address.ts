// The envelope grammar of MAIL FROM and RCPT TO (RFC 5321 §4.1.2, RFC 6531 §3.3 for UTF-8).
// Pure: no I/O. Errors are thrown as LmtpError with the reply RFC 5321 §4.2.3 prescribes.
import { LmtpError, SYNTAX_ERROR, reply } from './reply.ts';

export interface Mailbox {
  /** the local part, unquoted (what mail.addresses stores) */
  localpart: string;
  /** the domain as written: an FQDN (case kept) or an address literal "[...]" */
  domain: string;
}

export interface PathArgument {
  /** the text between < and >, source route removed; "" for the null reverse-path <> */
  path: string;
  /** ESMTP parameters, keys upper-cased; a keyword without "=" has the value null */
  params: Map<string, string | null>;
}

/** RFC 5321 §4.5.3.1.3: the longest path. */
const MAX_PATH = 256;

// atext of RFC 5322 §3.2.3; with SMTPUTF8 any non-ASCII character too (RFC 6531 §3.3)
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u;
const LABEL = /^[A-Za-z0-9\u0080-\u{10ffff}]([A-Za-z0-9\-\u0080-\u{10ffff}]*[A-Za-z0-9\u0080-\u{10ffff}])?$/u;
const ESMTP_KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const ESMTP_VALUE = /^[\x21-\x3c\x3e-\x7e\u0080-\u{10ffff}]+$/u;

/**
 * Splits "FROM:<path> params" (keyword "FROM" or "TO"). A space after the colon is tolerated
 * (common in the wild, RFC 5321 §3.3 says it should not be there).
 */
export function parsePathArgument(args: string, keyword: 'FROM' | 'TO'): PathArgument {
  const m = new RegExp(`^${keyword}: ?<`, 'i').exec(args);
  if (!m) throw new LmtpError(SYNTAX_ERROR(`Syntax: ${keyword === 'FROM' ? 'MAIL FROM:<address>' : 'RCPT TO:<address>'}`));
  let i = m[0].length;
  let inQuote = false;
  for (; i < args.length; i++) {
    const c = args[i];
    if (inQuote && c === '\\') i++;
    else if (c === '"') inQuote = !inQuote;
    else if (c === '>' && !inQuote) break;
  }
  if (i >= args.length) throw new LmtpError(SYNTAX_ERROR('Unterminated address'));
  let path = args.slice(m[0].length, i);
  const rest = args.slice(i + 1);
  if (rest !== '' && !rest.startsWith(' ')) throw new LmtpError(SYNTAX_ERROR());
  // RFC 5321 §4.1.1.3 / appendix C: a source route "@a,@b:" is accepted and ignored
  const route = /^@[^:"]*:/.exec(path);
  if (route) path = path.slice(route[0].length);
  if (path.length > MAX_PATH) throw new LmtpError(reply(501, '5.1.3', 'Path too long'));
  const params = new Map<string, string | null>();
  for (const p of rest.split(' ').filter((x) => x !== '')) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? null : p.slice(eq + 1);
    if (!ESMTP_KEYWORD.test(key) || (value !== null && !ESMTP_VALUE.test(value)) || params.has(key)) {
      throw new LmtpError(SYNTAX_ERROR(`Bad parameter ${p.slice(0, 40)}`));
    }
    params.set(key, value);
  }
  return { path, params };
}

function unquote(q: string): string | null {
  // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP is %d32-33 / %d35-91 / %d93-126
  if (!/^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10ffff}]|\\[\x20-\x7e])*"$/u.test(q)) return null;
  return q.slice(1, -1).replace(/\\(.)/g, '$1');
}

function validDomain(d: string): boolean {
  if (d.startsWith('[')) {
    // address-literal: IPv4, "IPv6:..." or a General-address-literal "tag:content"
    return /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$/.test(d);
  }
  return d.length <= 255 && d.split('.').every((l) => l.length <= 63 && LABEL.test(l));
}

/** Parses a Mailbox (RFC 5321 §4.1.2: Local-part "@" ( Domain / address-literal )). */
export function parseMailbox(path: string): Mailbox {
  const bad = () => new LmtpError(reply(553, '5.1.3', 'Bad address syntax'));
  const at = path.lastIndexOf('@');
  if (at <= 0) throw bad();
  const local = path.slice(0, at);
  const domain = path.slice(at + 1);
  let localpart: string | null;
  if (local.startsWith('"')) localpart = unquote(local);
  else localpart = local.split('.').every((a) => ATEXT.test(a)) ? local : null;
  if (localpart === null || !validDomain(domain)) throw bad();
  return { localpart, domain };
}

// eslint-disable-next-line no-control-regex
export const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);
