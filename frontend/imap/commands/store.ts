// STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8) with UNCHANGEDSINCE (RFC 7162 §3.1.3): one
// statement for the whole set, however large. Messages that failed UNCHANGEDSINCE are listed in
// [MODIFIED …]; with .SILENT the new flags are not echoed (but MODSEQ is, RFC 7162 §3.2), so the
// database returns only runs of UIDs; otherwise it returns the new flags as chunks of arrays.
import { defineCommand, no, SELECTED } from '../command.ts';
import { atom, Code, type ResponseValue } from '../compiler.ts';
import { FlagValues, KeywordCursor, type FlagChunk } from '../fetch-cheap.ts';
import { parseStoreArguments } from '../grammar/store-action.ts';
import { FETCH_CHEAP_BATCH } from '../../net/limits.ts';
import { SequenceSet } from '../seqset.ts';
import type { Session } from '../session.ts';
import { setFromAscending, setFromRuns } from '../uid-runs.ts';

interface RunRow {
  changed: boolean;
  modseq: number | null;
  lo: number;
  hi: number;
}

interface ChunkRow extends FlagChunk {
  changed: boolean;
  modseq: number | null;
}

const OPS = { replace: '=', add: '+', remove: '-' } as const;
const UID = atom('UID');
const FLAGS = atom('FLAGS');
const MODSEQ = atom('MODSEQ');
const FETCH = atom('FETCH');

/** .SILENT: only CONDSTORE clients hear of the change, as `* n FETCH (UID u MODSEQ (m))`. */
async function storeSilent(s: Session, uids: SequenceSet, op: string, flags: string[],
                           unchangedSince: number | null): Promise<SequenceSet> {
  const box = s.box;
  const rows = await s.ctx.db.call<RunRow & Record<string, unknown>>('flags_store_runs', s.userId, box.id,
    uids.toPgMultirange(), op, flags, unchangedSince);
  const done = rows.filter((r) => r.changed);
  if (done.length > 0) {
    const changed = setFromRuns(done);
    const modseq = done[0].modseq ?? 0;
    box.noteOwnChange(modseq, changed, true);
    const w = s.writer();
    // a keyword new to the mailbox is announced in FLAGS even when its messages are not (RFC 3501 §7.2.6)
    if (op !== '-') box.announceKeywords(w, flags);
    if (s.condstore) {
      for (const [uid, msn] of box.map.entries(changed)) {
        w.untagged(msn, FETCH, [UID, uid, MODSEQ, [modseq]]);
        await s.sendIfLarge(w);
      }
    }
    await s.send(w);
  }
  return setFromRuns(rows.filter((r) => !r.changed));
}

/** Echoes the new flags of every changed message. */
async function storeEcho(s: Session, byUid: boolean, uids: SequenceSet, op: string, flags: string[],
                         unchangedSince: number | null): Promise<SequenceSet> {
  const box = s.box;
  const rows = await s.ctx.db.call<ChunkRow & Record<string, unknown>>('flags_store_chunks', s.userId, box.id,
    uids.toPgMultirange(), op, flags, unchangedSince, FETCH_CHEAP_BATCH);
  const chunks = rows.filter((r) => r.changed);
  if (chunks.length > 0) box.noteOwnChange(chunks[0].modseq ?? 0, setFromAscending(chunks.map((c) => c.uids)), true);
  const values = new FlagValues(box);
  const w = s.writer();
  for (const chunk of chunks) {
    const modseq = chunk.modseq ?? 0;
    const keywords = new KeywordCursor(chunk);
    for (let i = 0; i < chunk.uids.length; i++) {
      const uid = chunk.uids[i];
      const msn = box.map.msnOf(uid);
      if (msn === 0) continue;
      const kw = keywords.at(uid);
      if (kw) box.announceKeywords(w, kw);
      const items: ResponseValue[] = [];
      if (byUid || s.condstore) items.push(UID, uid);
      items.push(FLAGS, values.of(uid, chunk.flags[i], kw));
      if (s.condstore) items.push(MODSEQ, [modseq]);
      w.untagged(msn, FETCH, items);
      await s.sendIfLarge(w);
    }
  }
  await s.send(w);
  return setFromAscending(rows.filter((r) => !r.changed).map((r) => r.uids));
}

function makeStore(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID STORE' : 'STORE',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const set = c.sequenceSet();
      const args = parseStoreArguments(c);
      c.end();
      return { set, args };
    },
    async execute(s, { set, args }) {
      const box = s.box;
      if (box.readOnly) throw no('Mailbox is read-only', Code.readOnly());
      if (args.unchangedSince !== null) s.enableCondstore();
      const uids = box.uidSet(set, byUid);
      if (uids.isEmpty) return;
      const unchangedSince = args.unchangedSince === null ? null : Number(args.unchangedSince);
      const failed = args.silent
        ? await storeSilent(s, uids, OPS[args.mode], args.flags, unchangedSince)
        : await storeEcho(s, byUid, uids, OPS[args.mode], args.flags, unchangedSince);
      if (!failed.isEmpty) {
        const reported = byUid ? failed : box.map.msnsOfUids(failed);
        return { status: 'OK', code: Code.modified(reported), text: 'Some messages were modified since' };
      }
    },
  });
}

export const store = makeStore(false);
export const uidStore = makeStore(true);
