// THREAD and UID THREAD (RFC 5256 §4, §5): ORDEREDSUBJECT, REFERENCES and REFS
// (draft-ietf-morg-inthread). The search program is evaluated and the per-message thread data
// fetched by one api.messages_thread_data call over the session's view of the mailbox; the
// algorithm itself runs in frontend/imap/threading (why there: see threading/types.ts). The
// answer for a whole view is kept in the database's order cache (db/functions/47_sort_thread.sql),
// so an unchanged archive folder is threaded once.
import iconv from 'iconv-lite';
import { defineCommand, SELECTED } from '../command.ts';
import { raw } from '../compiler.ts';
import { parseCharsetAndCriteria, searchUsesModseq } from '../grammar/search-program.ts';
import { parseThreadAlgorithm } from '../grammar/thread-algorithm.ts';
import { searchKeyJson } from '../search-program.ts';
import type { Session } from '../session.ts';
import { formatThreads, threadColumns, THREAD_ALGORITHMS, type ThreadAlgorithm, type ThreadColumns } from '../threading/index.ts';

const decoders = {
  charsetDecoder: (name: string) => (iconv.encodingExists(name) ? (b: Buffer) => iconv.decode(b, name) : null),
};

/** A row of api.messages_thread_data. */
export interface ThreadDataRow {
  uid: number;
  message_id: string | null;
  /** the message's references (References, else In-Reply-To's first id), space-separated */
  refs: string | null;
  base_subject: string;
  subject: string | null;
  sent_date: number;
}

/** The rows (in UID order) as the columns the algorithms take: one pass, no object per message. */
export function threadColumnsOf(rows: readonly ThreadDataRow[]): ThreadColumns {
  const n = rows.length;
  const cols = {
    uid: new Array<number>(n), messageId: new Array<string | null>(n), references: new Array<string | null>(n),
    baseSubject: new Array<string>(n), subject: new Array<string | null>(n), sentDate: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    cols.uid[i] = r.uid;
    cols.messageId[i] = r.message_id;
    cols.references[i] = r.refs;
    cols.baseSubject[i] = r.base_subject;
    cols.subject[i] = r.subject;
    cols.sentDate[i] = Number(r.sent_date);
  }
  return cols;
}

/**
 * The thread lists in UID form: the answer kept for this view in the order cache when the search
 * selects the whole view (api.messages_thread_cached), else computed here from the thread data and
 * handed back to be kept (api.messages_thread_remember; the database ignores other searches).
 */
async function threadListsByUid(s: Session, view: string, search: string, algorithm: ThreadAlgorithm): Promise<string> {
  const box = s.box;
  const cached = await s.ctx.db.call<{ messages_thread_cached: string | null }>('messages_thread_cached',
    s.userId, box.id, view, search, algorithm);
  const kept = cached[0]?.messages_thread_cached;
  if (kept != null) return kept;
  const rows = await s.ctx.db.call<ThreadDataRow & Record<string, unknown>>('messages_thread_data',
    s.userId, box.id, view, search, algorithm);
  const lists = formatThreads(threadColumns(algorithm, threadColumnsOf(rows)));
  await s.ctx.db.call('messages_thread_remember', s.userId, box.id, view, search, algorithm, lists);
  return lists;
}

function makeThread(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID THREAD' : 'THREAD',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const algorithm = parseThreadAlgorithm(c, THREAD_ALGORITHMS) as ThreadAlgorithm;
      c.space();
      const program = parseCharsetAndCriteria(c, decoders);
      c.end();
      return { algorithm, program };
    },
    async execute(s, { algorithm, program }) {
      const box = s.box;
      // RFC 7162 §3.1: a MODSEQ search criterion enables CONDSTORE (THREAD has no MODSEQ data)
      if (searchUsesModseq(program.key)) s.enableCondstore();
      const view = box.map.allUids();
      const uidLists = view.isEmpty ? '' : await threadListsByUid(s, view.toPgMultirange(),
        JSON.stringify(searchKeyJson(program.key, box)), algorithm);
      const lists = byUid || box.map.isIdentity ? uidLists : uidLists.replace(/\d+/g, (uid) => String(box.map.msnOf(Number(uid))));
      // thread-data = "THREAD" [SP 1*thread-list]; the lists are digits and parentheses only
      const w = s.writer();
      w.value(raw(lists === '' ? '* THREAD\r\n' : `* THREAD ${lists}\r\n`));
      await s.send(w);
    },
  });
}

export const threadCommand = makeThread(false);
export const uidThread = makeThread(true);
