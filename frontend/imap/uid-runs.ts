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
  // read digit by digit into one array sized by the commas: no substring or array per run.
  // SequenceSet.parse reads the same syntax as a client writes it (any order, `*`, `$`), through
  // an object per item: several times slower for a result of 100,000 runs.
  let runs = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === COMMA) runs++;
  const flat = new Array<number>(runs * 2);
  let n = 0;
  let value = 0;
  let digits = 0;
  let lo = 0;
  let range = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : COMMA;
    if (c >= ZERO && c <= ZERO + 9) {
      value = value * 10 + (c - ZERO);
      digits++;
      continue;
    }
    if (digits === 0 || digits > 10) throw new RangeError(`bad run text at ${i}`);
    if (c === COLON && !range) {
      lo = value;
      range = true;
    } else if (c === COMMA) {
      flat[n++] = range ? lo : value;
      flat[n++] = value;
      range = false;
    } else {
      throw new RangeError(`bad run text at ${i}`);
    }
    value = 0;
    digits = 0;
  }
  return SequenceSet.fromAscendingFlat(flat);
}

const COMMA = 0x2c;
const COLON = 0x3a;
const ZERO = 0x30;
