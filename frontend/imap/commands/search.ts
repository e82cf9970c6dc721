// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8) with ESEARCH return options MIN MAX ALL COUNT
// (RFC 4731), MODSEQ (RFC 7162 §3.1.5), OLDER/YOUNGER (RFC 5032) and SAVED* dates (RFC 8514).
// The whole program is evaluated by one api.messages_search call that answers with runs of
// UIDs, so even a match of every message of a huge mailbox is a small result, written out in
// pieces.
import iconv from 'iconv-lite';
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom, raw, type ResponseValue } from '../compiler.ts';
import { parseSearchProgram, parseSearchReturnOptions, searchUsesModseq } from '../grammar/search-program.ts';
import { searchKeyJson } from '../search-program.ts';
import type { SequenceSet } from '../seqset.ts';
import type { Session } from '../session.ts';
import type { SearchReturnOptions } from '../types.ts';
import { setFromRuns } from '../uid-runs.ts';

const decoders = {
  charsetDecoder: (name: string) => (iconv.encodingExists(name) ? (b: Buffer) => iconv.decode(b, name) : null),
};

/** `* SEARCH n n n …` with the numbers streamed in pieces, then (MODSEQ m) if wanted. */
async function plainSearch(s: Session, result: SequenceSet, modseq: number | null): Promise<void> {
  const w = s.writer();
  w.value(raw('* SEARCH'));
  let piece: string[] = [];
  for (const [lo, hi] of result.ranges()) {
    for (let n = lo; n <= hi; n++) {
      piece.push(String(n));
      if (piece.length >= 8192) {
        w.value(raw(' ' + piece.join(' ')));
        piece = [];
        await s.sendIfLarge(w);
      }
    }
  }
  if (piece.length > 0) w.value(raw(' ' + piece.join(' ')));
  if (modseq !== null) w.value(raw(` (MODSEQ ${modseq})`));
  w.value(raw('\r\n'));
  await s.send(w);
}

async function esearch(s: Session, tag: string, byUid: boolean, o: SearchReturnOptions, result: SequenceSet,
                       modseq: number | null): Promise<void> {
  const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (byUid) out.push(atom('UID'));
  if (!result.isEmpty) {
    if (o.min) out.push(atom('MIN'), result.min ?? 0);
    if (o.max) out.push(atom('MAX'), result.max ?? 0);
  }
  if (o.count) out.push(atom('COUNT'), result.size);
  if (o.all && !result.isEmpty) out.push(atom('ALL'), result);
  if (modseq !== null && !result.isEmpty) out.push(atom('MODSEQ'), modseq);
  await s.untagged(...out);
}

function makeSearch(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID SEARCH' : 'SEARCH',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const options = parseSearchReturnOptions(c);
      if (options) c.space();
      const program = parseSearchProgram(c, decoders);
      c.end();
      return { options, program };
    },
    async execute(s, { options, program }, tag) {
      if (options && (options.save || options.context || options.update || options.partial || options.relevancy)) {
        throw bad('Unsupported search return option');
      }
      const box = s.box;
      const usesModseq = searchUsesModseq(program.key);
      if (usesModseq) s.enableCondstore();
      const runs = await s.ctx.db.call<{ lo: number; hi: number; modseq: number }>('messages_search', s.userId,
        box.id, JSON.stringify(searchKeyJson(program.key, box)));
      // messages that arrived after the session's last look are not in its view yet
      const uids = box.map.existing(setFromRuns(runs));
      const modseq = usesModseq && runs.length > 0 ? runs.reduce((m, r) => Math.max(m, r.modseq), 0) : null;
      const result = byUid ? uids : box.map.msnsOfUids(uids);
      if (options) await esearch(s, tag, byUid, options, result, modseq);
      else await plainSearch(s, result, result.isEmpty ? null : modseq);
    },
  });
}

export const search = makeSearch(false);
export const uidSearch = makeSearch(true);
