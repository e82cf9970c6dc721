// STATUS data (RFC 3501 §7.2.4 and the items of RFC 7162, 8438, 9051, 7889, 8474), shared by
// STATUS and LIST-STATUS (RFC 5819).
import { atom, type ResponseValue } from './compiler.ts';
import type { Session } from './session.ts';
import type { StatusItem } from './types.ts';

export interface StatusRow {
  mailbox: number;
  messages: number;
  recent: number;
  uidnext: number;
  uidvalidity: number;
  unseen: number;
  highestmodseq: number;
  size: number;
  deleted: number;
}

/** `* STATUS name (item value …)` as values. */
export function statusResponse(s: Session, name: string, row: StatusRow, items: readonly StatusItem[]): ResponseValue[] {
  const out: ResponseValue[] = [];
  for (const item of items) {
    const value: ResponseValue = {
      MESSAGES: row.messages, RECENT: row.recent, UIDNEXT: row.uidnext, UIDVALIDITY: row.uidvalidity,
      UNSEEN: row.unseen, HIGHESTMODSEQ: row.highestmodseq, SIZE: row.size, DELETED: row.deleted,
      APPENDLIMIT: s.appendLimit, MAILBOXID: [atom(`F${row.mailbox}`)],
    }[item];
    out.push(atom(item), value);
  }
  return [atom('STATUS'), s.wireName(name), out];
}
