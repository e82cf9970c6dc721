// THREAD and UID THREAD (RFC 5256 §4, §5): ORDEREDSUBJECT, REFERENCES and REFS
// (draft-ietf-morg-inthread). The search program is evaluated and the per-message thread data
// fetched by one api.messages_thread_data call over the session's view of the mailbox; the
// algorithm itself runs in frontend/imap/threading (why there: see threading/types.ts).
import iconv from 'iconv-lite';
import { defineCommand, SELECTED } from '../command.ts';
import { raw } from '../compiler.ts';
import { parseCharsetAndCriteria, searchUsesModseq } from '../grammar/search-program.ts';
import { parseThreadAlgorithm } from '../grammar/thread-algorithm.ts';
import { searchKeyJson } from '../search-program.ts';
import { formatThreads, threadColumns, THREAD_ALGORITHMS, type ThreadAlgorithm, type ThreadColumns } from '../threading/index.ts';

const decoders = {
  charsetDecoder: (name: string) => (iconv.encodingExists(name) ? (b: Buffer) => iconv.decode(b, name) : null),
};

/**
 * api.messages_thread_data's one value: the columns of ThreadColumns as JSON arrays; the members an
 * algorithm does not use are null.
 */
export interface ThreadData {
  uid: number[];
  messageId: (string | null)[] | null;
  references: (string | null)[] | null;
  baseSubject: string[];
  subject: (string | null)[] | null;
  sentDate: number[];
}

/** The database's columns as the algorithms take them (unused members as arrays of nulls). */
export function threadColumnsOf(data: ThreadData | undefined): ThreadColumns {
  if (!data) return { uid: [], messageId: [], references: [], baseSubject: [], subject: [], sentDate: [] };
  const none = (): null[] => new Array<null>(data.uid.length).fill(null);
  return {
    uid: data.uid, messageId: data.messageId ?? none(), references: data.references ?? none(),
    baseSubject: data.baseSubject, subject: data.subject ?? none(), sentDate: data.sentDate,
  };
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
      const [row] = view.isEmpty ? [] : await s.ctx.db.call<{ columns: ThreadData }>('messages_thread_data',
        s.userId, box.id, view.toPgMultirange(), JSON.stringify(searchKeyJson(program.key, box)), algorithm);
      const tree = threadColumns(algorithm, threadColumnsOf(row?.columns));
      const lists = formatThreads(tree, byUid ? (uid) => uid : (uid) => box.map.msnOf(uid));
      // thread-data = "THREAD" [SP 1*thread-list]; the lists are digits and parentheses only
      const w = s.writer();
      w.value(raw(lists === '' ? '* THREAD\r\n' : `* THREAD ${lists}\r\n`));
      await s.send(w);
    },
  });
}

export const threadCommand = makeThread(false);
export const uidThread = makeThread(true);
