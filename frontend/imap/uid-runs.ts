// Runs of UIDs as SQL functions return them (lo, hi) ↔ SequenceSet.
import { SequenceSet } from './seqset.ts';

/** A set from rows of (lo, hi) runs. */
export function setFromRuns(rows: ReadonlyArray<{ lo: number; hi: number }>): SequenceSet {
  return SequenceSet.fromRanges(rows.map((r) => [r.lo, r.hi] as [number, number]));
}

/** A set from ascending UIDs given in pieces (the arrays of consecutive result chunks), in one pass. */
export function setFromAscending(pieces: Iterable<readonly number[]>): SequenceSet {
  const ranges: Array<[number, number]> = [];
  let lo = 0;
  let hi = -1;
  for (const piece of pieces) {
    for (const n of piece) {
      if (n === hi + 1) {
        hi = n;
        continue;
      }
      if (hi >= lo && hi > 0) ranges.push([lo, hi]);
      lo = hi = n;
    }
  }
  if (hi >= lo && hi > 0) ranges.push([lo, hi]);
  return SequenceSet.fromRanges(ranges);
}
