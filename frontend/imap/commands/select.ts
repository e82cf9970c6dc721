// SELECT and EXAMINE (RFC 3501 §6.3.1-2) with CONDSTORE and QRESYNC parameters (RFC 7162 §3.1.8,
// §3.2.5). Selecting while another mailbox is selected closes that one first ([CLOSED]), and a
// failed SELECT leaves the session authenticated with nothing selected.
import { AUTHENTICATED, bad, defineCommand } from '../command.ts';
import { atom, Code, type ResponseValue } from '../compiler.ts';
import { streamFetch } from '../fetch-stream.ts';
import { parseSelectParams } from '../grammar/select-params.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import type { Session } from '../session.ts';
import type { QresyncParams } from '../types.ts';
import { setFromRuns } from '../uid-runs.ts';

/** RFC 7162 §3.2.5.1: what changed since the client's last sync, as VANISHED (EARLIER) and FETCH. */
async function resync(s: Session, box: SelectedMailbox, q: QresyncParams): Promise<void> {
  if (q.uidValidity !== box.uidvalidity) return;
  const since = Number(q.modseq);
  const known = q.knownUids ?? null;
  const runs = await s.ctx.db.call<{ lo: number; hi: number }>('messages_vanished', s.userId, box.id, since,
    known ? known.toPgMultirange() : null);
  const gone = setFromRuns(runs).subtract(box.map.allUids());
  if (!gone.isEmpty) await s.untagged(atom('VANISHED'), [atom('EARLIER')], gone);
  const uids = known ? box.map.existing(known) : box.map.allUids();
  await streamFetch(s, uids, [{ type: 'uid' }, { type: 'flags' }, { type: 'modseq' }],
    { byUid: true, changedSince: since, setSeen: false });
}

/** The LIST response of one mailbox (its canonical name and attributes), as SELECT sends it in IMAP4rev2. */
async function listEntry(s: Session, name: string): Promise<ResponseValue[] | null> {
  const rows = await s.ctx.db.call<{ name: string; attributes: string[] }>('mailbox_list', s.userId, '', [name], false, false);
  const same = (x: string) => x === name || (/^inbox$/i.test(x) && /^inbox$/i.test(name));
  const row = rows.find((r) => same(r.name));
  if (!row) return null;
  return [atom('LIST'), row.attributes.filter((a) => a !== '\\Subscribed').map((a) => atom(a)), '/', s.wireName(row.name)];
}

function makeSelect(readWrite: boolean) {
  return defineCommand({
    name: readWrite ? 'SELECT' : 'EXAMINE',
    states: AUTHENTICATED,
    parse(c) {
      c.space();
      const name = c.mailbox();
      const params = parseSelectParams(c);
      c.end();
      return { name, params };
    },
    async execute(s, { name, params }) {
      if (params.qresync && !s.qresync) throw bad('ENABLE QRESYNC first');
      const wasSelected = s.selected !== null;
      s.deselect();
      if (wasSelected) await s.status('OK', Code.closed(), 'Previous mailbox closed');
      if (params.condstore) s.enableCondstore();
      const box = await SelectedMailbox.open(s, name, readWrite);
      const w = s.writer();
      const flags = box.flagList();
      w.untagged(atom('FLAGS'), flags.map((f) => atom(f)));
      w.untagged(box.exists, atom('EXISTS'));
      if (s.rev2) {
        // RFC 9051 §6.3.2: the mailbox's LIST response instead of RECENT and [UNSEEN]
        const list = await listEntry(s, name);
        if (list) w.untagged(...list);
      } else {
        w.untagged(box.recent.size, atom('RECENT'));
        const unseen = box.firstUnseenMsn();
        if (unseen > 0) w.status('OK', Code.unseen(unseen), `Message ${unseen} is the first unseen`);
      }
      w.status('OK', Code.uidValidity(box.uidvalidity), 'UIDs valid');
      w.status('OK', Code.uidNext(box.uidnext), 'Predicted next UID');
      w.status('OK', Code.highestModseq(box.highestModseq), 'Highest');
      w.status('OK', Code.other('MAILBOXID', [atom(`F${box.id}`)]), 'Mailbox id'); // RFC 8474 §4.2
      w.status('OK', Code.permanentFlags(box.readOnly ? [] : [...flags, '\\*']),
        box.readOnly ? 'No permanent flags permitted' : 'Flags permitted');
      await s.send(w);
      s.selected = box;
      s.state = 'selected';
      if (params.qresync) await resync(s, box, params.qresync);
      return { status: 'OK', code: box.readOnly ? Code.readOnly() : Code.readWrite(),
        text: `${readWrite ? 'SELECT' : 'EXAMINE'} completed` };
    },
  });
}

export const select = makeSelect(true);
export const examine = makeSelect(false);
