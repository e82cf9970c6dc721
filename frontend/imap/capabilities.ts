// What the server advertises (RFC 3501 §6.1.1, §7.2.1). Only what works is listed: each entry is
// implemented by a command in frontend/imap/commands or by the session.
import type { Session } from './session.ts';

/** Extensions that do not depend on the connection's state. */
const EXTENSIONS = [
  'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE',
  'CHILDREN', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'CONDSTORE',
  'QRESYNC', 'ESEARCH', 'MULTIAPPEND', 'CATENATE', 'WITHIN', 'UTF8=ACCEPT', 'BINARY', 'SAVEDATE',
  'SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'THREAD=REFS', 'ACL', 'RIGHTS=texk',
  'SEARCHRES', 'STATUS=SIZE', 'OBJECTID', 'NOTIFY', 'SEARCH=FUZZY', 'PARTIAL', 'CONTEXT=SEARCH', 'CONTEXT=SORT',
] as const;

/** RFC 9208; offered only while quotas are enforced (use-imap-quota). */
const QUOTA = ['QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE', 'QUOTASET'] as const;

/** The capability list for this session right now. */
export function capabilities(s: Session): string[] {
  // RFC 9051 §7.2.2: both are offered; IMAP4rev2 behaviour starts with ENABLE IMAP4rev2
  const caps = ['IMAP4rev1', 'IMAP4rev2', ...EXTENSIONS, `APPENDLIMIT=${s.appendLimit}`];
  if (s.ctx.config.get('use-imap-quota')) caps.push(...QUOTA);
  if (s.state === 'notauth') {
    if (s.ctx.tls && !s.conn.secure) caps.push('STARTTLS');
    if (s.plaintextAllowed()) caps.push('AUTH=PLAIN', 'AUTH=LOGIN');
    else caps.push('LOGINDISABLED');
    caps.push('AUTH=SCRAM-SHA-256');
  } else if (!s.conn.compressed) {
    // RFC 4978 §3: after authentication; not listed again once active
    caps.push('COMPRESS=DEFLATE');
  }
  return caps;
}

/** SASL mechanisms AUTHENTICATE accepts on this connection. */
export function saslMechanisms(s: Session): string[] {
  return s.plaintextAllowed() ? ['PLAIN', 'LOGIN', 'SCRAM-SHA-256'] : ['SCRAM-SHA-256'];
}
