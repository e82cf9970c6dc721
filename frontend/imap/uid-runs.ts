// Runs of UIDs as SQL functions return them (lo, hi) ↔ SequenceSet.
import { SequenceSet } from './seqset.ts';

/** A set from rows of (lo, hi) runs. */
export function setFromRuns(rows: ReadonlyArray<{ lo: number; hi: number }>): SequenceSet {
  return SequenceSet.fromRanges(rows.map((r) => [r.lo, r.hi] as [number, number]));
}
