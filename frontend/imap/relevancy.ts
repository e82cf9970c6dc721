// RELEVANCY (RFC 6203 §4): the scores ESEARCH and ESORT return, one per message of the result they
// describe and in its order. SEARCH, SORT and their PARTIAL pages all ask the database the same
// way, for exactly the messages they return.
import { SequenceSet } from './seqset.ts';
import type { Session } from './session.ts';

/** The score of each UID, in the given order; 1 (the lowest) where the database has none. */
export async function relevancyScores(s: Session, mailbox: number, uids: readonly number[], search: string): Promise<number[]> {
  if (uids.length === 0) return [];
  const rows = await s.ctx.db.call<{ uid: number; score: number }>('messages_relevancy', s.userId, mailbox,
    SequenceSet.fromNumbers(uids).toPgMultirange(), search);
  const byUid = new Map(rows.map((r) => [r.uid, r.score]));
  return uids.map((uid) => byUid.get(uid) ?? 1);
}
