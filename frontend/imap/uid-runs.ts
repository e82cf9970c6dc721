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

/**
 * A set from runs written as SQL functions write them in one text ("1:3,5,9:12", '' for none):
 * ascending and disjoint, so a result of a hundred thousand runs costs one string, not as many rows.
 */
export function setFromRunsText(text: string): SequenceSet {
  if (text === '') return SequenceSet.EMPTY;
  const parts = text.split(',');
  const starts = new Array<number>(parts.length);
  const ends = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const colon = p.indexOf(':');
    starts[i] = Number(colon < 0 ? p : p.slice(0, colon));
    ends[i] = colon < 0 ? starts[i] : Number(p.slice(colon + 1));
  }
  return SequenceSet.fromArrays(starts, ends);
}
