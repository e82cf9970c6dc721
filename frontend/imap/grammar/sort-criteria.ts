// SORT criteria (RFC 5256 §3, DISPLAYFROM/DISPLAYTO from RFC 5957, RELEVANCY from RFC 6203 §6):
//
//   sort          = ["UID" SP] "SORT" SP sort-criteria SP search-charset SP search-program
//   sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"
//   sort-criterion = ["REVERSE" SP] sort-key
//
// The charset and criteria that follow are parsed by parseCharsetAndCriteria (search-program.ts).

import { Cursor, ParseError } from '../parser.ts';
import type { SortCriterion, SortKey } from '../types.ts';

const SORT_KEYS: ReadonlySet<string> = new Set<SortKey>([
  'ARRIVAL',
  'CC',
  'DATE',
  'FROM',
  'SIZE',
  'SUBJECT',
  'TO',
  'DISPLAYFROM',
  'DISPLAYTO',
  'RELEVANCY',
]);

function isSortKey(word: string): word is SortKey {
  return SORT_KEYS.has(word);
}

function parseCriterion(c: Cursor): SortCriterion {
  const reverse = c.tryKeyword('REVERSE');
  if (reverse) c.space();
  const start = c.position;
  const word = c.keywordToken();
  if (!isSortKey(word)) {
    throw new ParseError(word === 'REVERSE' ? 'REVERSE given twice' : `Unknown sort key ${word.slice(0, 30)}`, start);
  }
  return { key: word, reverse };
}

/**
 * The parenthesised sort criteria. A key given twice adds nothing (the first decides the order), so
 * later repeats are dropped.
 */
export function parseSortCriteria(c: Cursor): SortCriterion[] {
  const all = c.list(parseCriterion);
  const seen = new Set<SortKey>();
  return all.filter((k) => {
    if (seen.has(k.key)) return false;
    seen.add(k.key);
    return true;
  });
}
