// The message sequence number map of a selected mailbox (RFC 3501 §2.3.1.2): MSN n is the n-th
// smallest UID still visible to the session. Kept as runs of consecutive UIDs with the MSN each
// run starts at, so a million-message mailbox that was never expunged costs one run, and every
// lookup is a binary search over runs, never a scan over messages.
import { SequenceSet } from './seqset.ts';

export class MsnMap {
  /** first UID of each run, ascending */
  private lo: number[] = [];
  /** last UID of each run (inclusive); hi[i] + 1 < lo[i + 1] */
  private hi: number[] = [];
  /** MSN of lo[i]; first[0] = 1 */
  private first: number[] = [];
  private count = 0;

  /** Builds the map from runs as api.mailbox_uid_runs returns them (ascending, disjoint). */
  static fromRuns(runs: Iterable<readonly [number, number]>): MsnMap {
    const m = new MsnMap();
    for (const [lo, hi] of runs) m.appendRun(lo, hi);
    return m;
  }

  /** Number of messages (the EXISTS count). */
  get size(): number {
    return this.count;
  }

  /** Number of runs: the memory the map costs. */
  get runCount(): number {
    return this.lo.length;
  }

  /** True when every UID is its own MSN (UIDs 1..n, nothing expunged): answers need no mapping. */
  get isIdentity(): boolean {
    return this.lo.length === 0 || (this.lo.length === 1 && this.lo[0] === 1);
  }

  /** Highest UID, or 0 when empty. */
  get maxUid(): number {
    return this.hi.length === 0 ? 0 : this.hi[this.hi.length - 1];
  }

  /** Appends a run of new UIDs above every UID in the map (new messages). */
  appendRun(lo: number, hi: number): void {
    if (hi < lo) return;
    if (lo <= this.maxUid) throw new RangeError(`UID ${lo} is not above ${this.maxUid}`);
    this.cache = null;
    const last = this.lo.length - 1;
    if (last >= 0 && this.hi[last] + 1 === lo) {
      this.hi[last] = hi;
    } else {
      this.lo.push(lo);
      this.hi.push(hi);
      this.first.push(this.count + 1);
    }
    this.count += hi - lo + 1;
  }

  /** Index of the run containing or preceding `uid`, or -1 if uid is below every run. */
  private runAtOrBefore(uid: number): number {
    let a = 0;
    let b = this.lo.length - 1;
    let found = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (this.lo[mid] <= uid) {
        found = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    return found;
  }

  /** Index of the run containing MSN `msn` (1-based). */
  private runOfMsn(msn: number): number {
    let a = 0;
    let b = this.first.length - 1;
    let found = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (this.first[mid] <= msn) {
        found = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    return found;
  }

  /** The MSN of a UID, or 0 if the UID is not in the map. */
  msnOf(uid: number): number {
    const r = this.runAtOrBefore(uid);
    if (r < 0 || uid > this.hi[r]) return 0;
    return this.first[r] + (uid - this.lo[r]);
  }

  /** The UID of an MSN, or 0 when out of range. */
  uidAt(msn: number): number {
    if (msn < 1 || msn > this.count) return 0;
    const r = this.runOfMsn(msn);
    return this.lo[r] + (msn - this.first[r]);
  }

  has(uid: number): boolean {
    return this.msnOf(uid) !== 0;
  }

  /** Every UID in the map, as a set (O(runs)). */
  allUids(): SequenceSet {
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < this.lo.length; i++) ranges.push([this.lo[i], this.hi[i]]);
    return SequenceSet.fromRanges(ranges);
  }

  /** The UIDs of a set of MSNs (MSNs beyond the map are ignored). */
  uidsOfMsns(msns: SequenceSet): SequenceSet {
    const ranges: Array<[number, number]> = [];
    for (const [a, b0] of msns.ranges()) {
      const b = Math.min(b0, this.count);
      let msn = a;
      while (msn <= b) {
        const r = this.runOfMsn(msn);
        const runEndMsn = this.first[r] + (this.hi[r] - this.lo[r]);
        const end = Math.min(b, runEndMsn);
        ranges.push([this.lo[r] + (msn - this.first[r]), this.lo[r] + (end - this.first[r])]);
        msn = end + 1;
      }
    }
    return SequenceSet.fromRanges(ranges);
  }

  /** The UIDs of `uids` that are in the map. */
  existing(uids: SequenceSet): SequenceSet {
    if (uids.isEmpty || this.count === 0) return SequenceSet.EMPTY;
    // one run (nothing expunged inside it): a cut at its ends, the set itself when inside
    if (this.lo.length === 1) return uids.intersectRange(this.lo[0], this.hi[0]);
    return uids.intersect(this.allUidsCached());
  }

  private cache: SequenceSet | null = null;
  private allUidsCached(): SequenceSet {
    if (!this.cache) this.cache = this.allUids();
    return this.cache;
  }

  /** The MSNs of the UIDs in `uids` that are in the map, as a set (runs map to runs). */
  msnsOfUids(uids: SequenceSet): SequenceSet {
    const present = this.existing(uids);
    if (this.isIdentity) return present;
    const flat: number[] = [];
    for (const [a, b] of present.ranges()) {
      // an existing range lies inside one run, whose MSNs are consecutive; MSNs ascend with UIDs
      flat.push(this.msnOf(a), this.msnOf(b));
    }
    return SequenceSet.fromAscendingFlat(flat);
  }

  /**
   * Removes UIDs (expunge). Returns the MSNs they had before any of them was removed; the EXPUNGE
   * response for the k-th of them (ascending, 0-based) is msn - k.
   */
  remove(uids: SequenceSet): SequenceSet {
    const gone = this.existing(uids);
    if (gone.isEmpty) return SequenceSet.EMPTY;
    const msns = this.msnsOfUids(gone);
    const left = this.allUidsCached().subtract(gone);
    this.lo = [];
    this.hi = [];
    this.first = [];
    this.count = 0;
    this.cache = null;
    for (const [lo, hi] of left.ranges()) this.appendRun(lo, hi);
    return msns;
  }

  /** Calls fn for each UID with its MSN, ascending, for the UIDs of `uids` in the map. */
  *entries(uids: SequenceSet): IterableIterator<[number, number]> {
    for (const [a, b] of this.existing(uids).ranges()) {
      let msn = this.msnOf(a);
      for (let uid = a; uid <= b; uid++) yield [uid, msn++];
    }
  }
}
