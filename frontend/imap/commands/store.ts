// STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8) with UNCHANGEDSINCE (RFC 7162 §3.1.3): one
// api.flags_store call for the whole set, however large. Messages that failed UNCHANGEDSINCE are
// listed in [MODIFIED …]; with .SILENT the new flags are not echoed (but MODSEQ is, RFC 7162).
import { defineCommand, no, SELECTED } from '../command.ts';
import { atom, Code, type ResponseValue } from '../compiler.ts';
import { parseStoreArguments } from '../grammar/store-action.ts';
import { SequenceSet } from '../seqset.ts';

interface StoreRow {
  uid: number;
  modseq: number;
  flags: string[] | null;
  changed: boolean;
}

const OPS = { replace: '=', add: '+', remove: '-' } as const;

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
      const rows = await s.ctx.db.call<StoreRow & Record<string, unknown>>('flags_store', s.userId, box.id,
        uids.toPgMultirange(), OPS[args.mode], args.flags,
        args.unchangedSince === null ? null : Number(args.unchangedSince));
      const changed = rows.filter((r) => r.changed);
      if (changed.length > 0) box.noteOwnChange(changed[0].modseq, SequenceSet.fromNumbers(changed.map((r) => r.uid)));
      const w = s.writer();
      for (const r of changed) {
        const msn = box.map.msnOf(r.uid);
        if (msn === 0) continue;
        const flags = r.flags ?? [];
        box.announceKeywords(w, flags);
        const items: ResponseValue[] = [];
        if (byUid || s.condstore) items.push(atom('UID'), r.uid);
        if (!args.silent) items.push(atom('FLAGS'), box.flagsOf(r.uid, flags));
        if (s.condstore) items.push(atom('MODSEQ'), [r.modseq]);
        if (items.length > 0 && (!args.silent || s.condstore)) w.untagged(msn, atom('FETCH'), items);
        await s.sendIfLarge(w);
      }
      await s.send(w);
      const failed = rows.filter((r) => !r.changed).map((r) => r.uid);
      if (failed.length > 0) {
        const failedSet = SequenceSet.fromNumbers(failed);
        const reported = byUid ? failedSet : box.map.msnsOfUids(failedSet);
        return { status: 'OK', code: Code.modified(reported), text: 'Some messages were modified since' };
      }
    },
  });
}

export const store = makeStore(false);
export const uidStore = makeStore(true);
