// SEARCH criteria → the JSON api.messages_search evaluates. What only the session knows is
// resolved here: message sequence numbers and \Recent become UID sets, dates become ISO days,
// mod-sequences plain numbers. The shape otherwise follows frontend/imap/types.ts SearchKey.
import type { SelectedMailbox } from './selected-mailbox.ts';
import { SequenceSet } from './seqset.ts';
import type { ImapDate, SearchKey } from './types.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const iso = (d: ImapDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

function uids(set: SequenceSet): Json {
  return { type: 'uids', set: set.toPgMultirange() };
}

/** The JSON form of a search key for the selected mailbox. */
export function searchKeyJson(key: SearchKey, box: SelectedMailbox): Json {
  switch (key.type) {
    case 'and':
      return { type: 'and', keys: key.keys.map((k) => searchKeyJson(k, box)) };
    case 'or':
      return { type: 'or', left: searchKeyJson(key.left, box), right: searchKeyJson(key.right, box) };
    case 'not':
      return { type: 'not', key: searchKeyJson(key.key, box) };
    case 'fuzzy':
      // RFC 6203 §3: the string keys inside are matched by similarity; the others stay exact
      return { type: 'fuzzy', key: markFuzzy(searchKeyJson(key.key, box)) };
    case 'seq':
      // numbers beyond EXISTS simply match nothing in SEARCH
      // `$` is the saved result, UIDs in either form (RFC 5182 §2.1)
      return uids(key.set.isSaved ? box.map.existing(box.saved) : box.map.uidsOfMsns(key.set.resolve(box.map.size)));
    case 'uid':
      return uids(key.set.isSaved ? box.map.existing(box.saved) : key.set.resolve(box.map.maxUid));
    case 'recent':
      return uids(box.recent);
    case 'internaldate':
    case 'sentdate':
    case 'savedate':
      return { type: key.type, op: key.op, date: iso(key.date) };
    case 'modseq':
      return { type: 'modseq', modseq: key.modseq.toString() };
    default:
      return { ...key } as Json;
  }
}

/** Marks every string key of a JSON search key as fuzzy. */
function markFuzzy(k: Json): Json {
  if (Array.isArray(k)) return k.map(markFuzzy);
  if (k === null || typeof k !== 'object') return k;
  const out: { [key: string]: Json } = {};
  for (const [name, v] of Object.entries(k)) out[name] = markFuzzy(v);
  if (out.type === 'string') out.fuzzy = true;
  return out;
}
