// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8) with CHANGEDSINCE and VANISHED (RFC 7162 §3.1.4,
// §3.2.6) and UID FETCH's PARTIAL (RFC 9394 §3.3). Non-PEEK body fetches set \Seen first (one
// STORE per batch) and report the new FLAGS.
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom } from '../compiler.ts';
import { streamFetch } from '../fetch-stream.ts';
import { fetchSetsSeen, parseFetch } from '../grammar/fetch-attributes.ts';
import { partialOf } from '../partial.ts';
import { setFromRuns } from '../uid-runs.ts';

function makeFetch(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID FETCH' : 'FETCH',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const set = c.sequenceSet();
      c.space();
      const request = parseFetch(c);
      c.end();
      return { set, request };
    },
    async execute(s, { set, request }) {
      if (request.vanished && (!byUid || !s.qresync)) throw bad('VANISHED needs UID FETCH and ENABLE QRESYNC');
      // RFC 9394 §3.3 defines the PARTIAL modifier for UID FETCH only
      if (request.partial && !byUid) throw bad('PARTIAL needs UID FETCH');
      if (request.changedSince !== null || request.attributes.some((a) => a.type === 'modseq')) s.enableCondstore();
      const box = s.box;
      let uids = box.uidSet(set, byUid);
      const changedSince = request.changedSince === null ? null : Number(request.changedSince);
      if (request.partial && !uids.isEmpty) {
        if (request.changedSince === null) {
          // the set is the session's own view: the window is cut from its runs without a query
          uids = partialOf(uids, request.partial);
        } else {
          // RFC 9394 §3.4: with CHANGEDSINCE the positions count the changed messages only; the
          // database cuts that page (api.messages_search_page), nothing else is shipped
          const key = { type: 'modseq', modseq: (request.changedSince + 1n).toString() };
          const runs = await s.ctx.db.call<{ lo: number; hi: number }>('messages_search_page', s.userId, box.id,
            JSON.stringify(key), uids.toPgMultirange(), request.partial.first, request.partial.last);
          uids = box.map.existing(setFromRuns(runs));
        }
      }
      if (request.vanished && changedSince !== null) {
        const asked = set.resolve(Math.max(box.map.maxUid, box.uidnext - 1));
        if (!asked.isEmpty) {
          const runs = await s.ctx.db.call<{ lo: number; hi: number }>('messages_vanished', s.userId, box.id,
            changedSince, asked.toPgMultirange());
          const gone = setFromRuns(runs).subtract(box.map.allUids());
          if (!gone.isEmpty) await s.untagged(atom('VANISHED'), [atom('EARLIER')], gone);
        }
      }
      await streamFetch(s, uids, request.attributes, {
        byUid, changedSince, setSeen: fetchSetsSeen(request.attributes),
      });
    },
  });
}

export const fetch = makeFetch(false);
export const uidFetch = makeFetch(true);
