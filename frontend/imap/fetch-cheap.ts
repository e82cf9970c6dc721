// The bulk path of FETCH for the items the mailbox rows alone answer: UID, FLAGS, MODSEQ,
// INTERNALDATE and RFC822.SIZE. `UID FETCH 1:* (FLAGS)` is what clients send on every resync, so
// on a million-message mailbox it must cost a few microseconds per message: the database returns
// FETCH_CHEAP_BATCH messages per call as one row of arrays (api.messages_fetch_cheap), flag lists
// are shared values built once per distinct flag combination, and each response is compiled
// like any other (`* n FETCH (…)`), awaiting the socket's drain as the writer fills.
import { FETCH_CHEAP_BATCH } from '../net/limits.ts';
import { atom, type ResponseValue } from './compiler.ts';
import { batches } from './fetch-stream.ts';
import { imapDateTime } from './fetch-response.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import { SequenceSet } from './seqset.ts';
import type { Session } from './session.ts';
import type { FetchAttribute } from './types.ts';

/** One row of api.messages_fetch_cheap / api.flags_store_chunks: parallel arrays in UID order. */
export interface FlagChunk {
  uids: number[];
  /** bitmask per message: \Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16 */
  flags: number[];
  /** the messages that have keywords, and their keywords joined by one space */
  kw_uids: number[];
  kw_lists: string[];
}

interface CheapRow extends FlagChunk {
  /** bigint[]: node-pg gives its elements as strings */
  modseqs: Array<string | number>;
  /** bigint[] too (seconds since the epoch) */
  internaldates: Array<string | number>;
  sizes: number[];
}

const CHEAP = new Set(['uid', 'flags', 'modseq', 'internaldate', 'rfc822.size']);

/** True when every attribute is one the mailbox rows answer, and none of them sets \Seen. */
export function isCheapFetch(attributes: readonly FetchAttribute[]): boolean {
  return attributes.length > 0 && attributes.every((a) => CHEAP.has(a.type));
}

/** System flags in the order mail.flag_list lists them, by bit. */
const SYSTEM_BITS: ReadonlyArray<readonly [number, string]> = [
  [1, '\\Seen'], [2, '\\Answered'], [4, '\\Flagged'], [8, '\\Deleted'], [16, '\\Draft'],
];
const RECENT = atom('\\Recent');
const SYSTEM_ATOMS = SYSTEM_BITS.map(([bit, name]) => [bit, atom(name)] as const);

/** The stored flags of a bitmask and keyword list, as mail.flag_list orders them. */
export function flagNames(bits: number, keywords: readonly string[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of SYSTEM_BITS) if (bits & bit) out.push(name);
  return out.concat(keywords);
}

/**
 * FLAGS values as the client sees them (stored flags, then \Recent, as SelectedMailbox.flagsOf
 * builds them). The 64 keyword-free combinations are built once and shared by every response.
 */
export class FlagValues {
  private readonly plain: Array<ResponseValue[] | undefined> = [];

  constructor(private readonly box: SelectedMailbox) {}

  of(uid: number, bits: number, keywords: readonly string[] | null): ResponseValue[] {
    const recent = this.box.showsRecent(uid);
    if (keywords === null) {
      const key = bits | (recent ? 32 : 0);
      let v = this.plain[key];
      if (!v) {
        v = [];
        for (const [bit, a] of SYSTEM_ATOMS) if (bits & bit) v.push(a);
        if (recent) v.push(RECENT);
        this.plain[key] = v;
      }
      return v;
    }
    const v: ResponseValue[] = [];
    for (const [bit, a] of SYSTEM_ATOMS) if (bits & bit) v.push(a);
    for (const k of keywords) v.push(atom(k));
    if (recent) v.push(RECENT);
    return v;
  }
}

/** Walks a chunk's sparse keyword arrays alongside its UIDs (both ascending). */
export class KeywordCursor {
  private i = 0;

  constructor(private readonly chunk: FlagChunk) {}

  /** The keywords of `uid` (asked in ascending order), or null when it has none. */
  at(uid: number): string[] | null {
    const { kw_uids: uids, kw_lists: lists } = this.chunk;
    while (this.i < uids.length && uids[this.i] < uid) this.i++;
    return this.i < uids.length && uids[this.i] === uid ? lists[this.i].split(' ') : null;
  }
}

export interface CheapFetchOptions {
  byUid: boolean;
  changedSince: number | null;
}

const UID = atom('UID');
const FLAGS = atom('FLAGS');
const MODSEQ = atom('MODSEQ');
const INTERNALDATE = atom('INTERNALDATE');
const SIZE = atom('RFC822.SIZE');
const FETCH = atom('FETCH');

type Item = 'uid' | 'flags' | 'modseq' | 'internaldate' | 'rfc822.size';

/** The items of each response in order: fetchItems' order for the same request. */
function itemPlan(attributes: readonly FetchAttribute[], o: CheapFetchOptions): Item[] {
  const types = attributes.map((a) => a.type as Item);
  const plan: Item[] = [];
  if (o.byUid && !types.includes('uid')) plan.push('uid');
  plan.push(...types);
  if (o.changedSince !== null && !types.includes('modseq')) plan.push('modseq');
  return plan;
}

/** FETCH of cheap items for the given existing UIDs of the selected mailbox. */
export async function streamCheapFetch(s: Session, uids: SequenceSet, attributes: readonly FetchAttribute[],
                                       o: CheapFetchOptions): Promise<void> {
  const box = s.box;
  const plan = itemPlan(attributes, o);
  const sendsFlags = plan.includes('flags');
  const values = new FlagValues(box);
  const w = s.writer();
  const fetchChunk = (batch: SequenceSet) => {
    const p = s.ctx.db.call<CheapRow & Record<string, unknown>>('messages_fetch_cheap', s.userId, box.id,
      batch.toPgMultirange(), o.changedSince).then((rows) => rows[0]);
    // if the command fails before awaiting it (the client went away), its outcome is dropped
    p.catch(() => undefined);
    return p;
  };
  // the next chunk is asked for while this one is written, so the database and the frontend work
  // side by side; at most two chunks are held
  const chunks = batches(uids, FETCH_CHEAP_BATCH);
  let next = chunks.next();
  let pending = next.done ? null : fetchChunk(next.value);
  while (pending) {
    const row = await pending;
    next = chunks.next();
    pending = next.done ? null : fetchChunk(next.value);
    if (!row) continue;
    const modseqs = row.modseqs.map(Number);
    const keywords = new KeywordCursor(row);
    // flags the client now knows from this FETCH and the view has not caught up with yet: the
    // notification of that change must not be echoed again as an unsolicited FETCH
    const told = new Map<number, number[]>();
    const n = row.uids.length;
    for (let i = 0; i < n; i++) {
      const uid = row.uids[i];
      const msn = box.map.msnOf(uid);
      if (msn === 0) continue;
      const items: ResponseValue[] = [];
      for (const item of plan) {
        switch (item) {
          case 'uid': items.push(UID, uid); break;
          case 'flags': {
            const kw = keywords.at(uid);
            // a keyword another session just set must be in FLAGS before a FETCH shows it (RFC 3501 §7.2.6)
            if (kw) box.announceKeywords(w, kw);
            items.push(FLAGS, values.of(uid, row.flags[i], kw));
            break;
          }
          case 'modseq': items.push(MODSEQ, [modseqs[i]]); break;
          case 'internaldate': items.push(INTERNALDATE, imapDateTime(new Date(Number(row.internaldates[i]) * 1000))); break;
          case 'rfc822.size': items.push(SIZE, row.sizes[i]); break;
        }
      }
      w.untagged(msn, FETCH, items);
      if (sendsFlags && modseqs[i] > box.highestModseq) {
        const list = told.get(modseqs[i]);
        if (list) list.push(uid);
        else told.set(modseqs[i], [uid]);
      }
      await s.sendIfLarge(w);
    }
    for (const [modseq, list] of told) box.noteOwnChange(modseq, SequenceSet.fromNumbers(list));
  }
  await s.send(w);
}
