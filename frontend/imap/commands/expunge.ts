// EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): one statement moves the \Deleted
// messages to deleted_messages; the client hears EXPUNGE per message, or VANISHED with QRESYNC.
import { defineCommand, no, SELECTED } from '../command.ts';
import { Code } from '../compiler.ts';
import { SequenceSet } from '../seqset.ts';
import type { Session } from '../session.ts';

/** Expunges the \Deleted messages among `uids` (all when null) and reports them. */
export async function expungeAndReport(s: Session, uids: SequenceSet | null): Promise<void> {
  const box = s.box;
  const rows = await s.ctx.db.call<{ uid: number }>('messages_expunge', s.userId, box.id,
    uids ? uids.toPgMultirange() : null);
  const w = s.writer();
  await box.reportExpunged(w, SequenceSet.fromNumbers(rows.map((r) => r.uid)));
  await s.send(w);
}

function makeExpunge(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID EXPUNGE' : 'EXPUNGE',
    states: SELECTED,
    parse(c) {
      if (!byUid) {
        c.end();
        return null;
      }
      c.space();
      const set = c.sequenceSet();
      c.end();
      return set;
    },
    async execute(s, set) {
      const box = s.box;
      if (box.readOnly) throw no('Mailbox is read-only', Code.readOnly());
      if (set) {
        const uids = box.uidsOfUidSpec(set);
        if (!uids.isEmpty) await expungeAndReport(s, uids);
      } else {
        await expungeAndReport(s, null);
      }
      if (s.condstore) return { status: 'OK', code: Code.highestModseq(await currentModseq(s)), text: 'Expunged' };
    },
  });
}

/** The mailbox's HIGHESTMODSEQ now (RFC 7162 §3.2.10: sent after an expunge with CONDSTORE). */
async function currentModseq(s: Session): Promise<number> {
  const box = s.box;
  box.markDirty();
  await box.update(true);
  return box.highestModseq;
}

export const expunge = makeExpunge(false);
export const uidExpunge = makeExpunge(true);

export const close = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  parse: (c) => c.end(),
  async execute(s) {
    // RFC 3501 §6.4.2: expunge silently, then leave the selected state
    if (!s.box.readOnly) await s.ctx.db.call('messages_expunge', s.userId, s.box.id, null);
    s.deselect();
  },
});

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  parse: (c) => c.end(),
  async execute(s) {
    s.deselect();
  },
});
