// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8) with ESEARCH return options MIN MAX ALL COUNT
// (RFC 4731), MODSEQ (RFC 7162 §3.1.5), OLDER/YOUNGER (RFC 5032) and SAVED* dates (RFC 8514).
// The whole program is evaluated by one api.messages_search call that answers with runs of
// UIDs, so even a match of every message of a huge mailbox is a small result, written out in
// pieces.
import iconv from 'iconv-lite';
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom, raw, type ResponseValue } from '../compiler.ts';
import { parseSearchProgram, parseSearchReturnOptions, searchUsesFuzzy, searchUsesModseq } from '../grammar/search-program.ts';
import { BadCharsetError } from '../parser.ts';
import { searchKeyJson } from '../search-program.ts';
import { SequenceSet } from '../seqset.ts';
import type { Session } from '../session.ts';
import type { SearchProgram, SearchReturnOptions } from '../types.ts';
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
                       modseq: number | null, scores: number[] | null): Promise<void> {
  const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (byUid) out.push(atom('UID'));
  if (!result.isEmpty) {
    if (o.min) out.push(atom('MIN'), result.min ?? 0);
    if (o.max) out.push(atom('MAX'), result.max ?? 0);
  }
  if (o.count) out.push(atom('COUNT'), result.size);
  if (o.all && !result.isEmpty) out.push(atom('ALL'), result);
  if (modseq !== null && !result.isEmpty) out.push(atom('MODSEQ'), modseq);
  // RFC 6203 §4: one score per message of the result, in the result's (ascending) order
  if (scores) out.push(atom('RELEVANCY'), scores);
  await s.untagged(...out);
}

const RETURN_ALL: SearchReturnOptions = {
  min: false, max: false, all: true, count: false, save: false, context: false, update: false, relevancy: false, partial: null,
};

function makeSearch(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID SEARCH' : 'SEARCH',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const options = parseSearchReturnOptions(c);
      if (options) c.space();
      let program: SearchProgram;
      try {
        program = parseSearchProgram(c, decoders);
      } catch (e) {
        // a NO for the charset still fails a SAVE, which must empty `$` (RFC 5182 §2.1)
        if (e instanceof BadCharsetError && options?.save) return { options, program: null, error: e };
        throw e;
      }
      c.end();
      return { options, program, error: null };
    },
    async execute(s, { options, program, error }, tag) {
      const box = s.box;
      if (error || !program) {
        box.saved = SequenceSet.EMPTY;
        throw error ?? new Error('no search program');
      }
      if (options && (options.context || options.update || options.partial)) {
        throw bad('Unsupported search return option');
      }
      // RFC 6203 §4: RELEVANCY MUST NOT be used without a FUZZY key
      if (options?.relevancy && !searchUsesFuzzy(program.key)) throw bad('RELEVANCY needs a FUZZY search key');
      if (!options?.save) return run(s, tag, byUid, options, program);
      try {
        return await run(s, tag, byUid, options, program);
      } catch (e) {
        // RFC 5182 §2.1: a failed SEARCH ... RETURN (SAVE) leaves `$` empty
        box.saved = SequenceSet.EMPTY;
        throw e;
      }
    },
  });
}

async function run(s: Session, tag: string, byUid: boolean, options: SearchReturnOptions | null,
                   program: SearchProgram): Promise<void> {
  const box = s.box;
  const usesModseq = searchUsesModseq(program.key);
  if (usesModseq) s.enableCondstore();
  const runs = await s.ctx.db.call<{ lo: number; hi: number; modseq: number }>('messages_search', s.userId,
    box.id, JSON.stringify(searchKeyJson(program.key, box)));
  // messages that arrived after the session's last look are not in its view yet
  const uids = box.map.existing(setFromRuns(runs));
  let modseq = usesModseq && runs.length > 0 ? runs.reduce((m, r) => Math.max(m, r.modseq), 0) : null;
  if (modseq !== null && options && !options.all && !options.count && !uids.isEmpty && (options.min || options.max)) {
    // RFC 7162 §3.1.5: with only MIN and/or MAX, MODSEQ is the highest of the returned messages
    const picked = SequenceSet.fromNumbers([...(options.min ? [uids.min ?? 0] : []), ...(options.max ? [uids.max ?? 0] : [])]);
    const rows = await s.ctx.db.call<{ modseq: number }>('messages_fetch', s.userId, box.id, picked.toPgMultirange(), [], null);
    modseq = rows.reduce((m, r) => Math.max(m, Number(r.modseq)), 0);
  }
  const result = byUid ? uids : box.map.msnsOfUids(uids);
  if (options?.save) {
    // §2.1: with MIN and/or MAX (and neither ALL nor COUNT) only those messages are saved
    const picked = !options.all && !options.count && (options.min || options.max) && !uids.isEmpty
      ? SequenceSet.fromNumbers([...(options.min ? [uids.min ?? 0] : []), ...(options.max ? [uids.max ?? 0] : [])])
      : uids;
    box.saved = picked;
    // §2.1: SAVE alone asks for no ESEARCH response
    if (!options.min && !options.max && !options.all && !options.count) return;
  }
  let scores: number[] | null = null;
  if (options?.relevancy) {
    const rows = uids.isEmpty ? [] : await s.ctx.db.call<{ uid: number; score: number }>('messages_relevancy', s.userId,
      box.id, uids.toPgMultirange(), JSON.stringify(searchKeyJson(program.key, box)));
    const byUidScore = new Map(rows.map((r) => [r.uid, r.score]));
    scores = [];
    for (const u of uids) scores.push(byUidScore.get(u) ?? 1);
  }
  if (options) await esearch(s, tag, byUid, options, result, modseq, scores);
  // RFC 9051 §6.4.4: IMAP4rev2 answers with ESEARCH, no RETURN meaning RETURN (ALL)
  else if (s.rev2) await esearch(s, tag, byUid, RETURN_ALL, result, modseq, null);
  else await plainSearch(s, result, result.isEmpty ? null : modseq);
}

export const search = makeSearch(false);
export const uidSearch = makeSearch(true);
