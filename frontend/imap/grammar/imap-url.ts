// IMAP URLs (RFC 5092) as CATENATE (RFC 4469 §5) takes them: a message, or a part of it, on this
// server. Accepted forms (case-insensitive keys, %-escapes decoded):
//
//   imap://[user[;AUTH=mech]@]host[:port]/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]
//   /mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]
//
// The server part of an absolute URL is not checked against our name (a client may know us by
// another); its user, when given, must be the logged-in user (no URLAUTH here). Pure: resolving
// the URL against the database belongs to the caller.

export interface ImapUrl {
  /** the mailbox name, decoded from %-escaped UTF-8 */
  mailbox: string;
  uidvalidity: number | null;
  uid: number;
  /** the section-spec as text, e.g. "HEADER", "1.2.MIME"; null for the whole message */
  section: string | null;
  partial: { offset: number; length: number | null } | null;
  /** the user named in an absolute URL, or null */
  user: string | null;
}

const ABSOLUTE = /^imap:\/\/(?:([^@/;]*)(?:;AUTH=[^@/]*)?@)?[^/@]+(\/.*)$/i;
const PATH = /^\/(.+?)(?:;UIDVALIDITY=([1-9]\d{0,9}))?\/;UID=([1-9]\d{0,9})(?:\/;SECTION=([^/]+))?(?:\/;PARTIAL=(\d{1,10})(?:\.([1-9]\d{0,9}))?)?$/i;

/** %XX escapes to bytes, read as UTF-8; null when an escape is broken or the bytes are not UTF-8. */
function percentDecode(s: string): string | null {
  if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(s)) return null;
  const bytes = Buffer.from(s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null;
}

/** Parses an IMAP URL naming a message; null when it is not one of the accepted forms. */
export function parseImapUrl(url: string): ImapUrl | null {
  let path = url;
  let user: string | null = null;
  const abs = ABSOLUTE.exec(url);
  if (abs) {
    if (abs[1] !== undefined && abs[1] !== '') {
      user = percentDecode(abs[1]);
      if (user === null) return null;
    }
    path = abs[2];
  }
  const m = PATH.exec(path);
  if (!m) return null;
  const mailbox = percentDecode(m[1]);
  if (mailbox === null || mailbox === '') return null;
  const section = m[4] !== undefined ? percentDecode(m[4]) : null;
  if (m[4] !== undefined && section === null) return null;
  const num = (x: string | undefined) => (x === undefined ? null : Number(x));
  const uid = Number(m[3]);
  const uidvalidity = num(m[2]);
  if (uid > 0xffffffff || (uidvalidity !== null && uidvalidity > 0xffffffff)) return null;
  return {
    mailbox, uidvalidity, uid, section, user,
    partial: m[5] !== undefined ? { offset: Number(m[5]), length: num(m[6]) } : null,
  };
}
