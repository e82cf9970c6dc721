// COPY, UID COPY, MOVE and UID MOVE (RFC 3501 §6.4.7, RFC 6851) with COPYUID (RFC 4315): one
// api.messages_copy call for the whole set. A missing destination is NO [TRYCREATE]. MOVE reports
// COPYUID in an untagged OK before the expunges (RFC 6851 §4.3).
import { sqlState } from '../../db/errors.ts';
import { defineCommand, no, SELECTED } from '../command.ts';
import { Code } from '../compiler.ts';
import { SequenceSet } from '../seqset.ts';

interface CopyRow {
  src_uid: number;
  dst_uid: number;
  dst_uidvalidity: number;
}

function makeCopy(move: boolean, byUid: boolean) {
  const verb = move ? 'MOVE' : 'COPY';
  return defineCommand({
    name: byUid ? `UID ${verb}` : verb,
    states: SELECTED,
    usesMsns: !byUid && !move,
    parse(c) {
      c.space();
      const set = c.sequenceSet();
      c.space();
      const target = c.mailbox();
      c.end();
      return { set, target };
    },
    async execute(s, { set, target }) {
      const box = s.box;
      if (move && box.readOnly) throw no('Mailbox is read-only', Code.readOnly());
      const uids = box.uidSet(set, byUid);
      if (uids.isEmpty) {
        if (byUid) return { status: 'OK', text: 'No messages' };
        throw no('No messages');
      }
      let rows: CopyRow[];
      try {
        rows = await s.ctx.db.call<CopyRow & Record<string, unknown>>('messages_copy', s.userId, box.id,
          uids.toPgMultirange(), target, move, s.ctx.config.get('use-imap-quota'));
      } catch (e) {
        if (sqlState(e) === 'AXNEX') throw no('No such mailbox', Code.tryCreate());
        throw e;
      }
      // the target may be the selected mailbox itself: look for the new messages before replying
      box.markDirty();
      if (rows.length === 0) return { status: 'OK', text: 'No messages' };
      const code = Code.copyUid(rows[0].dst_uidvalidity, SequenceSet.fromNumbers(rows.map((r) => r.src_uid)),
        SequenceSet.fromNumbers(rows.map((r) => r.dst_uid)));
      if (!move) return { status: 'OK', code, text: 'Copied' };
      await s.status('OK', code, 'Moved');
      const w = s.writer();
      await box.reportExpunged(w, SequenceSet.fromNumbers(rows.map((r) => r.src_uid)));
      await s.send(w);
      return { status: 'OK', text: 'Moved' };
    },
  });
}

export const copy = makeCopy(false, false);
export const uidCopy = makeCopy(false, true);
export const move = makeCopy(true, false);
export const uidMove = makeCopy(true, true);
