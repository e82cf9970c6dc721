// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4.3): searches and sorts with RETURN (UPDATE) whose
// results the server keeps current, telling the client with untagged ESEARCH (TAG "t")
// ADDTO/REMOVEFROM as the selected mailbox changes, by this session or any other.
//
// Each live search keeps its result as a UID set (runs) and its search key as it was evaluated
// at the command (sequence numbers, `$` and \Recent already resolved to UIDs), so only the UIDs
// that changed are searched again: one api.messages_search_page call restricted to those UIDs per
// live search and batch of changes. Unordered SEARCH results carry the context position 0 (RFC
// 5267 §6, "context-position may be 0 for SEARCH result additions"). A live sort also keeps its
// result in sort order and says where members leave and join it (sort-context.ts); joiners are
// placed by sorting them among a few members (api.messages_sort_among).
//
// When the changes are reported: additions and flag-driven removals with the other unsolicited
// responses at the end of a command or during IDLE (after EXISTS, so new MSNs are valid); removals
// of expunged messages together with their EXPUNGE (or VANISHED), and for MSN results each one
// right before its own EXPUNGE, with the MSN the client knows at that moment. Both therefore
// follow RFC 3501 §7.4.1: nothing ever names an MSN the client has not been told of or was told
// is gone.
import { MAX_SEARCH_UPDATES } from '../net/limits.ts';
import { atom, raw, type ResponseValue, type ResponseWriter } from './compiler.ts';
import type { MsnMap } from './msn-map.ts';
import { SequenceSet } from './seqset.ts';
import { additionPairs, orderedSequenceSet, placeJoiners, type PositionPair, removeFromOrder, sequentialPositions } from './sort-context.ts';
import { setFromRuns } from './uid-runs.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface LiveSearch {
  /** answers in UIDs (UID SEARCH) or in MSNs (SEARCH) */
  byUid: boolean;
  /** the search key's JSON, fixed when the command ran */
  key: Json;
  /** the UIDs that match now, as the client was told */
  result: SequenceSet;
  /** CONTEXT=SORT: the sort criteria and the result in sort order */
  sort: LiveOrder | null;
}

/** A live sort's criteria (as api.messages_sort takes them) and its result's UIDs in that order. */
export interface LiveOrder {
  keys: string[];
  order: number[];
}

/** What a live result needs of the database when messages changed. */
export interface Evaluators {
  /** the UIDs among `uids` that match `key` now (api.messages_search_page) */
  search: (key: Json, uids: SequenceSet) => Promise<Array<{ lo: number; hi: number }>>;
  /** `uids` in the order of `keys` (api.messages_sort_among) */
  sortAmong: (keys: string[], key: Json, uids: readonly number[]) => Promise<number[]>;
}

/** A REMOVEFROM the client applies right before one message's EXPUNGE (MSN results). */
export interface Leaving {
  tag: string;
  /** the context position, 0 for an unordered search */
  position: number;
}

/** Searches the client asked to be kept up to date, and the UIDs changed since they last were. */
export class SearchUpdates {
  private readonly live = new Map<string, LiveSearch>();
  private touched = SequenceSet.EMPTY;

  get size(): number {
    return this.live.size;
  }

  /** A search with this tag is live (RFC 5267 §4.3: UPDATE reusing its tag is a BAD). */
  has(tag: string): boolean {
    return this.live.has(tag);
  }

  /**
   * Starts keeping a result current; false when the session has MAX_SEARCH_UPDATES live already
   * (the caller says NOUPDATE).
   */
  start(tag: string, byUid: boolean, key: Json, result: SequenceSet, sort: LiveOrder | null = null): boolean {
    if (this.live.size >= MAX_SEARCH_UPDATES) return false;
    this.live.set(tag, { byUid, key, result, sort });
    return true;
  }

  /** CANCELUPDATE (RFC 5267 §4.3.1); false for a tag that is not live. */
  cancel(tag: string): boolean {
    return this.live.delete(tag);
  }

  /** Messages whose flags changed or that arrived: their membership is looked at again. */
  touch(uids: SequenceSet): void {
    if (this.live.size > 0 && !uids.isEmpty) this.touched = this.touched.union(uids);
  }

  /**
   * Called with the expunged UIDs before they leave the map: drops them from every result and
   * writes REMOVEFROM for UID results (and, with VANISHED, for MSN results, in the MSNs the client
   * knows now). Returns, per expunged UID, the MSN results that held it and its position there,
   * for the caller to write right before that message's EXPUNGE.
   */
  expunged(w: ResponseWriter, uids: SequenceSet, map: MsnMap, vanished: boolean): Map<number, Leaving[]> {
    const perUid = new Map<number, Leaving[]>();
    if (this.live.size === 0) return perUid;
    for (const [tag, live] of this.live) {
      const gone = live.result.intersect(uids);
      if (gone.isEmpty) continue;
      live.result = live.result.subtract(gone);
      if (live.byUid || vanished) {
        if (live.sort) {
          const { order, pairs } = removeFromOrder(live.sort.order, new Set(gone));
          live.sort.order = order;
          const number = (u: number) => (live.byUid ? u : map.msnOf(u));
          w.untagged(...header(tag, live.byUid), ...positional('REMOVEFROM', pairs, number));
        } else {
          w.untagged(...removeFrom(tag, live.byUid, live.byUid ? gone : map.msnsOfUids(gone)));
        }
        continue;
      }
      const ascending = [...gone];
      const positions = live.sort ? sequentialPositions(live.sort.order, ascending) : null;
      if (live.sort) live.sort.order = live.sort.order.filter((u) => !gone.contains(u));
      ascending.forEach((u, i) => {
        const leaving = { tag, position: positions ? positions[i] : 0 };
        const list = perUid.get(u);
        if (list) list.push(leaving);
        else perUid.set(u, [leaving]);
      });
    }
    this.touched = this.touched.subtract(uids);
    return perUid;
  }

  /**
   * Searches the touched UIDs again in every live search and writes what joined or left each
   * result: for a live sort also where (REMOVEFROM first, then ADDTO in the order without them).
   */
  async evaluate(w: ResponseWriter, map: MsnMap, pendingExpunged: SequenceSet, db: Evaluators): Promise<void> {
    if (this.live.size === 0 || this.touched.isEmpty) return;
    // messages waiting for their EXPUNGE keep their place until then
    const uids = map.existing(this.touched).subtract(pendingExpunged);
    this.touched = SequenceSet.EMPTY;
    if (uids.isEmpty) return;
    for (const [tag, live] of this.live) {
      let out;
      try {
        out = await update(tag, live, uids, map, db);
      } catch (e) {
        // looked at again next time; a second look at an unchanged message reports nothing
        this.touched = this.touched.union(uids);
        throw e;
      }
      if (out) w.untagged(...out);
    }
  }
}

/** One live result's ESEARCH for the changed `uids`, or null when it stays as it was. */
async function update(tag: string, live: LiveSearch, uids: SequenceSet, map: MsnMap,
                      db: Evaluators): Promise<ResponseValue[] | null> {
  const matches = setFromRuns(await db.search(live.key, uids)).intersect(uids);
  const added = matches.subtract(live.result);
  const removed = live.result.intersect(uids).subtract(matches);
  if (added.isEmpty && removed.isEmpty) return null;
  const out = header(tag, live.byUid);
  if (live.sort) {
    const sort = live.sort;
    const number = (u: number) => (live.byUid ? u : map.msnOf(u));
    // nothing is changed before the database has answered, so a failure leaves all as it was
    const { order, pairs: gone } = removeFromOrder(sort.order, new Set(removed));
    const merged = await placeJoiners(order, [...added], (some) => db.sortAmong(sort.keys, live.key, some));
    sort.order = merged;
    live.result = live.result.union(added).subtract(removed);
    if (gone.length > 0) out.push(...positional('REMOVEFROM', gone, number));
    if (!added.isEmpty) out.push(...positional('ADDTO', additionPairs(merged, new Set(added)), number));
    return out;
  }
  live.result = live.result.union(added).subtract(removed);
  if (!added.isEmpty) out.push(atom('ADDTO'), [0, live.byUid ? added : map.msnsOfUids(added)]);
  if (!removed.isEmpty) out.push(atom('REMOVEFROM'), [0, live.byUid ? removed : map.msnsOfUids(removed)]);
  return out;
}

/** `ESEARCH (TAG "t") [UID]` */
function header(tag: string, byUid: boolean): ResponseValue[] {
  return [atom('ESEARCH'), [atom('TAG'), tag], ...(byUid ? [atom('UID')] : [])];
}

/** `ADDTO|REMOVEFROM (position set position set …)`, each set's members in sort order. */
function positional(item: 'ADDTO' | 'REMOVEFROM', pairs: readonly PositionPair[], number: (uid: number) => number): ResponseValue[] {
  const list: ResponseValue[] = [];
  for (const [position, members] of pairs) list.push(position, raw(orderedSequenceSet(members.map(number))));
  return [atom(item), list];
}

/** `ESEARCH (TAG "t") [UID] REMOVEFROM (position set)`: position 0 for an unordered search. */
export function removeFrom(tag: string, byUid: boolean, set: SequenceSet, position = 0): ResponseValue[] {
  return [...header(tag, byUid), atom('REMOVEFROM'), [position, set]];
}
