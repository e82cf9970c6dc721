// STATUS data items (RFC 3501 §6.3.10 and extensions):
//
//   status     = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
//   status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"   (RFC 9051)
//              / "RECENT" (RFC 3501) / "HIGHESTMODSEQ" (RFC 7162) / "APPENDLIMIT" (RFC 7889)
//              / "MAILBOXID" (RFC 8474)
//
// Also used by LIST-STATUS (RFC 5819) in LIST's RETURN options.

import { Cursor, ParseError } from '../parser.ts';
import type { StatusItem } from '../types.ts';

const STATUS_ITEMS: ReadonlySet<string> = new Set<StatusItem>([
  'MESSAGES',
  'RECENT',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'HIGHESTMODSEQ',
  'SIZE',
  'DELETED',
  'APPENDLIMIT',
  'MAILBOXID',
]);

function isStatusItem(word: string): word is StatusItem {
  return STATUS_ITEMS.has(word);
}

/** One status-att, upper-cased. */
export function parseStatusItem(c: Cursor): StatusItem {
  const start = c.position;
  const word = c.keywordToken();
  if (!isStatusItem(word)) throw new ParseError(`Unknown status item ${word.slice(0, 30)}`, start);
  return word;
}

/** "(" status-att *(SP status-att) ")", duplicates dropped, order kept. */
export function parseStatusItems(c: Cursor): StatusItem[] {
  return [...new Set(c.list(parseStatusItem))];
}
