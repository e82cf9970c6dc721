// The parsed view of a message as mail.inject stores it (db/functions/40_inject.sql reads these
// keys), and the way back from jsonb to IMAP values for FETCH.
import type { Address, ImapValue, ParsedMessage } from '../mime/types.ts';
import { searchWords } from '../mime/search-words.ts';

/** A Buffer inside an IMAP value tree, as JSON: 8-bit header bytes must survive the round trip. */
interface JsonBytes { $b64: string }
export type JsonImapValue = null | number | string | JsonBytes | JsonImapValue[];

// jsonb cannot hold U+0000 nor lone UTF-16 surrogates (a broken =?utf-16?…?= word can decode to
// one); such characters only ever appear in broken mail, so they are dropped or replaced
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const stripNul = (s: string) => s.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');

export function imapValueToJson(v: ImapValue): JsonImapValue {
  if (v === null || typeof v === 'number') return v;
  if (typeof v === 'string') return v.includes('\u0000') ? { $b64: Buffer.from(v, 'utf8').toString('base64') } : v;
  if (Buffer.isBuffer(v)) return { $b64: v.toString('base64') };
  return v.map(imapValueToJson);
}

export function imapValueFromJson(v: JsonImapValue): ImapValue {
  if (v === null || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(imapValueFromJson);
  return Buffer.from(v.$b64, 'base64');
}

function addressText(list: Address[]): string {
  return list.map((a) => {
    const addr = a.domain ? `${a.localpart}@${a.domain}` : a.localpart;
    return a.name ? `${a.name} <${addr}>` : addr;
  }).join(', ');
}

/** RFC 5256 §3: SORT FROM/TO/CC use the addr-mailbox (local part) of the first address. */
function sortKey(list: Address[]): string {
  return (list[0]?.localpart ?? '').toLowerCase();
}

/** RFC 5957: the display name of the first address, else its addr-spec. */
function displayKey(list: Address[]): string {
  const a = list[0];
  if (!a) return '';
  return (a.name?.trim() || (a.domain ? `${a.localpart}@${a.domain}` : a.localpart)).toLowerCase();
}

/** The group name when an ENVELOPE address list starts with a group (RFC 3501 §7.4.2: a group
 *  start is (NIL NIL "name" NIL)). RFC 5256 sorts by the first address's mailbox, which for a group
 *  is the group name, not its first member. */
function leadingGroup(envelope: ImapValue, field: number): string | null {
  if (!Array.isArray(envelope)) return null;
  const list = envelope[field];
  if (!Array.isArray(list) || !Array.isArray(list[0])) return null;
  const [, , mailbox, host] = list[0];
  if (host !== null || mailbox === null || typeof mailbox === 'number' || Array.isArray(mailbox)) return null;
  return (Buffer.isBuffer(mailbox) ? mailbox.toString('utf8') : mailbox).toLowerCase();
}

const ENVELOPE_FROM = 2;
const ENVELOPE_TO = 5;
const ENVELOPE_CC = 6;

export function messageMeta(p: ParsedMessage): Record<string, unknown> {
  const headers = p.headers.map(([n, v]) => [stripNul(n), stripNul(v)]);
  const bodyText = stripNul(p.bodyText);
  return {
    headerSize: p.headerSize,
    envelope: imapValueToJson(p.envelope),
    body: imapValueToJson(p.body),
    bodystructure: imapValueToJson(p.bodystructure),
    parts: p.parts,
    headers,
    subject: p.subject === null ? null : stripNul(p.subject),
    baseSubject: stripNul(p.baseSubject),
    fromText: stripNul(addressText(p.from)),
    toText: stripNul(addressText(p.to)),
    ccText: stripNul(addressText(p.cc)),
    bccText: stripNul(addressText(p.bcc)),
    sortFrom: stripNul(leadingGroup(p.envelope, ENVELOPE_FROM) ?? sortKey(p.from)),
    sortTo: stripNul(leadingGroup(p.envelope, ENVELOPE_TO) ?? sortKey(p.to)),
    sortCc: stripNul(leadingGroup(p.envelope, ENVELOPE_CC) ?? sortKey(p.cc)),
    displayFrom: stripNul(leadingGroup(p.envelope, ENVELOPE_FROM) ?? displayKey(p.from)),
    displayTo: stripNul(leadingGroup(p.envelope, ENVELOPE_TO) ?? displayKey(p.to)),
    sentDate: p.date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    messageId: p.messageId === null ? null : stripNul(p.messageId),
    inReplyTo: p.inReplyTo.map(stripNul),
    references: p.references.map(stripNul),
    bodyText,
    // the word index of SEARCH TEXT/BODY: the header's words are those of mail.headers_text
    // ("Name: value" lines), so field names count, as they do for the substring scan
    bodyWords: searchWords(bodyText),
    headerWords: searchWords(...headers.flat()),
    problems: p.problems.map(stripNul),
  };
}
