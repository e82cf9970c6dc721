// Runs a FETCH over any number of messages: FETCH_BATCH UIDs per api.messages_fetch call, and
// when message bytes are wanted, sub-batches no larger than BYTES_PER_CALL (judged from the sizes
// a cheap first call returns), so a 1:* over a million large messages never holds more than a
// few megabytes. Responses are written as each batch arrives, awaiting the socket's drain.
import { FETCH_BATCH } from '../net/limits.ts';
import { no } from './command.ts';
import { atom, Code } from './compiler.ts';
import { isCheapFetch, streamCheapFetch } from './fetch-cheap.ts';
import { fetchFields, fetchItems, fieldsNeedBytes, UnknownCte, type FetchRow } from './fetch-response.ts';
import { SequenceSet } from './seqset.ts';
import type { Session } from './session.ts';
import type { FetchAttribute } from './types.ts';
import { setFromRuns } from './uid-runs.ts';

/** Rows with message bytes per database call. */
const BYTES_PER_CALL = 16 * 1024 * 1024;

export interface FetchOptions {
  byUid: boolean;
  /** RFC 7162 CHANGEDSINCE: only messages with a greater modseq */
  changedSince: number | null;
  /** a non-PEEK body fetch in a read-write mailbox: set \Seen first */
  setSeen: boolean;
}

type Row = FetchRow & Record<string, unknown>;

/** Splits a set into consecutive pieces of at most n members, in one walk over its ranges. */
export function* batches(set: SequenceSet, n: number): IterableIterator<SequenceSet> {
  let ranges: Array<[number, number]> = [];
  let count = 0;
  for (const [lo0, hi] of set.ranges()) {
    let lo = lo0;
    while (lo <= hi) {
      const take = Math.min(hi - lo + 1, n - count);
      ranges.push([lo, lo + take - 1]);
      count += take;
      lo += take;
      if (count === n) {
        yield SequenceSet.fromRanges(ranges);
        ranges = [];
        count = 0;
      }
    }
  }
  if (count > 0) yield SequenceSet.fromRanges(ranges);
}

/** FETCH for the given existing UIDs of the selected mailbox. */
export async function streamFetch(s: Session, uids: SequenceSet, attributes: readonly FetchAttribute[],
                                  o: FetchOptions): Promise<void> {
  if (isCheapFetch(attributes) && !o.setSeen) return streamCheapFetch(s, uids, attributes, o);
  const box = s.box;
  const db = s.ctx.db;
  const fields = fetchFields(attributes);
  const needBytes = fieldsNeedBytes(fields);
  const withModseq = o.changedSince !== null || attributes.some((a) => a.type === 'modseq');
  const sendsFlags = attributes.some((a) => a.type === 'flags');
  const w = s.writer();
  for (const batch of batches(uids, FETCH_BATCH)) {
    let seenNow = SequenceSet.EMPTY;
    // RFC 4314 §4: without the s right the data is still returned, \Seen is just not set
    if (o.setSeen && !box.readOnly && box.row.rights.includes('s')) {
      const runs = await db.call<{ changed: boolean; modseq: number; lo: number; hi: number }>(
        'flags_store_runs', s.userId, box.id, batch.toPgMultirange(), '+', ['\\Seen'], null);
      const done = runs.filter((r) => r.changed);
      if (done.length > 0) {
        seenNow = setFromRuns(done);
        box.noteOwnChange(done[0].modseq, seenNow, true);
      }
    }
    const groups: SequenceSet[] = [];
    if (needBytes) {
      const sizes = await db.call<{ uid: number; size: number }>('messages_fetch', s.userId, box.id,
        batch.toPgMultirange(), [], o.changedSince);
      let group: number[] = [];
      let bytes = 0;
      for (const r of sizes) {
        if (group.length > 0 && bytes + r.size > BYTES_PER_CALL) {
          groups.push(SequenceSet.fromNumbers(group));
          group = [];
          bytes = 0;
        }
        group.push(r.uid);
        bytes += r.size;
      }
      if (group.length > 0) groups.push(SequenceSet.fromNumbers(group));
    } else {
      groups.push(batch);
    }
    // flags the client now knows from this FETCH and the view has not caught up with yet: the
    // notification of that change must not be echoed again as an unsolicited FETCH
    const told = new Map<number, number[]>();
    for (const g of groups) {
      const rows = await db.call<Row>('messages_fetch', s.userId, box.id, g.toPgMultirange(), fields, o.changedSince);
      for (const row of rows) {
        const msn = box.map.msnOf(row.uid);
        if (msn === 0) continue;
        const flagsChanged = seenNow.contains(row.uid);
        // a keyword another session just set must be in FLAGS before a FETCH shows it (RFC 3501 §7.2.6)
        if (sendsFlags || flagsChanged) box.announceKeywords(w, row.flags);
        let items;
        try {
          items = fetchItems(row, attributes, {
            flags: box.flagsOf(row.uid, row.flags),
            withUid: o.byUid || s.condstore && flagsChanged,
            withFlags: flagsChanged,
            withModseq: withModseq || s.condstore && flagsChanged,
          });
        } catch (e) {
          if (e instanceof UnknownCte) {
            await s.send(w);
            throw no('Unknown Content-Transfer-Encoding', Code.unknownCte());
          }
          throw e;
        }
        w.untagged(msn, atom('FETCH'), items);
        if ((sendsFlags || flagsChanged) && row.modseq > box.highestModseq) {
          const list = told.get(row.modseq);
          if (list) list.push(row.uid);
          else told.set(row.modseq, [row.uid]);
        }
        await s.sendIfLarge(w);
      }
    }
    for (const [modseq, list] of told) box.noteOwnChange(modseq, SequenceSet.fromNumbers(list));
  }
  await s.send(w);
}
