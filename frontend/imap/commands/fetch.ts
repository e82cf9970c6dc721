// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8) with CHANGEDSINCE and VANISHED (RFC 7162 §3.1.4,
// §3.2.6). Non-PEEK body fetches set \Seen first (one STORE per batch) and report the new FLAGS.
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom } from '../compiler.ts';
import { streamFetch } from '../fetch-stream.ts';
import { fetchSetsSeen, parseFetch } from '../grammar/fetch-attributes.ts';
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
      if (request.changedSince !== null || request.attributes.some((a) => a.type === 'modseq')) s.enableCondstore();
      const box = s.box;
      const uids = box.uidSet(set, byUid);
      const changedSince = request.changedSince === null ? null : Number(request.changedSince);
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
