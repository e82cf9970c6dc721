// PARTIAL (RFC 9394): a window of a result by position. Positive ranges count from the first
// message in result order (1 is the lowest UID, or the first in sort order), negative ones from the
// last (-1). The grammar keeps |first| <= |last| with both of one sign.
import { atom, raw, type ResponseValue } from './compiler.ts';
import { SequenceSet } from './seqset.ts';
import type { PartialRange } from './types.ts';

/** The members of an ascending set at the range's positions. */
export function partialOf(set: SequenceSet, p: PartialRange): SequenceSet {
  if (p.first > 0) return set.slice(p.first - 1, p.last);
  const n = set.size;
  return set.slice(Math.max(0, n + p.last), n + p.first + 1);
}

/** The range as ESEARCH echoes it, lower magnitude first (RFC 9394 §3.1: 4:2 is 2:4). */
export function partialRangeText(p: PartialRange): string {
  return `${p.first}:${p.last}`;
}

/** ret-data-partial: `PARTIAL (range set)`, NIL when no message is at those positions. */
export function partialData(p: PartialRange, results: SequenceSet | string): ResponseValue[] {
  const empty = typeof results === 'string' ? results === '' : results.isEmpty;
  return [atom('PARTIAL'), [raw(partialRangeText(p)), empty ? null : typeof results === 'string' ? raw(results) : results]];
}
