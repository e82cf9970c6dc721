// CONTEXT=SEARCH (RFC 5267 §4.3): searches with RETURN (UPDATE) whose results the server keeps
// current, telling the client with untagged ESEARCH (TAG "t") ADDTO/REMOVEFROM as the selected
// mailbox changes, by this session or any other.
//
// Each live search keeps its result as a UID set (runs) and its search key as it was evaluated
// at the command (sequence numbers, `$` and \Recent already resolved to UIDs), so only the UIDs
// that changed are searched again: one api.messages_search_page call restricted to those UIDs per
// live search and batch of changes. Unordered SEARCH results carry the context position 0 (RFC
// 5267 §6, "context-position may be 0 for SEARCH result additions").
//
// When the changes are reported: additions and flag-driven removals with the other unsolicited
// responses at the end of a command or during IDLE (after EXISTS, so new MSNs are valid); removals
// of expunged messages together with their EXPUNGE (or VANISHED), and for MSN results each one
// right before its own EXPUNGE, with the MSN the client knows at that moment. Both therefore
// follow RFC 3501 §7.4.1: nothing ever names an MSN the client has not been told of or was told
// is gone.
import { MAX_SEARCH_UPDATES } from '../net/limits.ts';
import { atom, type ResponseValue, type ResponseWriter } from './compiler.ts';
import type { MsnMap } from './msn-map.ts';
import { SequenceSet } from './seqset.ts';
import { setFromRuns } from './uid-runs.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface LiveSearch {
  /** answers in UIDs (UID SEARCH) or in MSNs (SEARCH) */
  byUid: boolean;
  /** the search key's JSON, fixed when the command ran */
  key: Json;
  /** the UIDs that match now, as the client was told */
  result: SequenceSet;
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
  start(tag: string, byUid: boolean, key: Json, result: SequenceSet): boolean {
    if (this.live.size >= MAX_SEARCH_UPDATES) return false;
    this.live.set(tag, { byUid, key, result });
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
   * knows now). Returns, per expunged UID, the tags of the MSN results that held it, for the
   * caller to write right before that message's EXPUNGE.
   */
  expunged(w: ResponseWriter, uids: SequenceSet, map: MsnMap, vanished: boolean): Map<number, string[]> {
    const perUid = new Map<number, string[]>();
    if (this.live.size === 0) return perUid;
    for (const [tag, live] of this.live) {
      const gone = live.result.intersect(uids);
      if (gone.isEmpty) continue;
      live.result = live.result.subtract(gone);
      if (live.byUid) {
        w.untagged(...removeFrom(tag, true, gone));
      } else if (vanished) {
        w.untagged(...removeFrom(tag, false, map.msnsOfUids(gone)));
      } else {
        for (const u of gone) {
          const tags = perUid.get(u);
          if (tags) tags.push(tag);
          else perUid.set(u, [tag]);
        }
      }
    }
    this.touched = this.touched.subtract(uids);
    return perUid;
  }

  /**
   * Searches the touched UIDs again in every live search and writes what joined or left each
   * result. `search` evaluates a key among some UIDs (api.messages_search_page).
   */
  async evaluate(w: ResponseWriter, map: MsnMap, pendingExpunged: SequenceSet,
                 search: (key: Json, uids: SequenceSet) => Promise<Array<{ lo: number; hi: number }>>): Promise<void> {
    if (this.live.size === 0 || this.touched.isEmpty) return;
    // messages waiting for their EXPUNGE keep their place until then
    const uids = map.existing(this.touched).subtract(pendingExpunged);
    this.touched = SequenceSet.EMPTY;
    if (uids.isEmpty) return;
    for (const [tag, live] of this.live) {
      let runs;
      try {
        runs = await search(live.key, uids);
      } catch (e) {
        // looked at again next time; a second look at an unchanged message reports nothing
        this.touched = this.touched.union(uids);
        throw e;
      }
      const matches = setFromRuns(runs).intersect(uids);
      const added = matches.subtract(live.result);
      const removed = live.result.intersect(uids).subtract(matches);
      if (added.isEmpty && removed.isEmpty) continue;
      live.result = live.result.union(added).subtract(removed);
      const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
      if (live.byUid) out.push(atom('UID'));
      if (!added.isEmpty) out.push(atom('ADDTO'), [0, live.byUid ? added : map.msnsOfUids(added)]);
      if (!removed.isEmpty) out.push(atom('REMOVEFROM'), [0, live.byUid ? removed : map.msnsOfUids(removed)]);
      w.untagged(...out);
    }
  }
}

/** `ESEARCH (TAG "t") [UID] REMOVEFROM (0 set)` */
export function removeFrom(tag: string, byUid: boolean, set: SequenceSet): ResponseValue[] {
  return [atom('ESEARCH'), [atom('TAG'), tag], ...(byUid ? [atom('UID')] : []), atom('REMOVEFROM'), [0, set]];
}
