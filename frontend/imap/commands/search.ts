// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8) with ESEARCH return options MIN MAX ALL COUNT
// (RFC 4731), SAVE (RFC 5182), PARTIAL (RFC 9394), CONTEXT and UPDATE (RFC 5267 CONTEXT=SEARCH),
// MODSEQ (RFC 7162 §3.1.5), OLDER/YOUNGER (RFC 5032) and SAVED* dates (RFC 8514).
// The whole program is evaluated by one api.messages_search call that answers with runs of
// UIDs, so even a match of every message of a huge mailbox is a small result, written out in
// pieces.
import iconv from 'iconv-lite';
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom, Code, raw, type ResponseValue } from '../compiler.ts';
import { parseSearchProgram, parseSearchReturnOptions, searchUsesFuzzy, searchUsesModseq } from '../grammar/search-program.ts';
import { BadCharsetError } from '../parser.ts';
import { partialData } from '../partial.ts';
import { relevancyScores } from '../relevancy.ts';
import { searchKeyJson } from '../search-program.ts';
import { SequenceSet } from '../seqset.ts';
import type { Session } from '../session.ts';
import type { SearchProgram, SearchReturnOptions } from '../types.ts';
import { setFromRuns, setFromRunsText } from '../uid-runs.ts';

const decoders = {
  charsetDecoder: (name: string) => (iconv.encodingExists(name) ? (b: Buffer) => iconv.decode(b, name) : null),
};

/** `* SEARCH n n n …` with the numbers streamed in pieces, then (MODSEQ m) if wanted. */
async function plainSearch(s: Session, result: SequenceSet, modseq: number | null): Promise<void> {
  const w = s.writer();
  w.value(raw('* SEARCH'));
  // pieces of 8,192 numbers, built by concatenation (a rope) rather than arrays of strings
  let piece = '';
  let count = 0;
  for (let k = 0; k < result.rangeCount; k++) {
    const hi = result.highAt(k);
    for (let n = result.lowAt(k); n <= hi; n++) {
      piece += ' ' + n;
      if (++count === 8192) {
        w.value(raw(piece));
        piece = '';
        count = 0;
        await s.sendIfLarge(w);
      }
    }
  }
  if (piece !== '') w.value(raw(piece));
  if (modseq !== null) w.value(raw(` (MODSEQ ${modseq})`));
  w.value(raw('\r\n'));
  await s.send(w);
}

/** What an ESEARCH response carries besides the tag. */
interface EsearchData {
  /** the whole result in the client's numbers, for MIN MAX COUNT ALL */
  result: SequenceSet;
  /** with PARTIAL: COUNT, MIN and MAX of the whole result without having it */
  summary?: { count: number; min: number | null; max: number | null };
  /** with PARTIAL: the page in the client's numbers */
  page?: SequenceSet;
  modseq: number | null;
  scores: number[] | null;
}

async function esearch(s: Session, tag: string, byUid: boolean, o: SearchReturnOptions, d: EsearchData): Promise<void> {
  const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (byUid) out.push(atom('UID'));
  const count = d.summary ? d.summary.count : d.result.size;
  const min = d.summary ? d.summary.min : d.result.min ?? null;
  const max = d.summary ? d.summary.max : d.result.max ?? null;
  if (count > 0) {
    if (o.min && min !== null) out.push(atom('MIN'), min);
    if (o.max && max !== null) out.push(atom('MAX'), max);
  }
  if (o.count) out.push(atom('COUNT'), count);
  if (o.all && !d.result.isEmpty) out.push(atom('ALL'), d.result);
  // RFC 9394 §3.1: the range as asked, and NIL when no message is at those positions
  if (o.partial) out.push(...partialData(o.partial, d.page ?? SequenceSet.EMPTY));
  if (d.modseq !== null && (count > 0 || (d.page !== undefined && !d.page.isEmpty))) out.push(atom('MODSEQ'), d.modseq);
  // RFC 6203 §4: one score per message of the result, in the result's (ascending) order
  if (d.scores) out.push(atom('RELEVANCY'), d.scores);
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
      // RFC 5267 §4.3: updates are told apart by tag, so a live one's tag may not start another
      if (options?.update && box.searchUpdates.has(tag)) throw bad('Tag reuse: a search with this tag is kept up to date');
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

/** The highest modseq among a few messages (RFC 7162 §3.1.5: of the messages returned). */
async function modseqOf(s: Session, uids: SequenceSet): Promise<number> {
  if (uids.isEmpty) return 0;
  const rows = await s.ctx.db.call<{ modseq: number }>('messages_fetch', s.userId, s.box.id, uids.toPgMultirange(), [], null);
  return rows.reduce((m, r) => Math.max(m, Number(r.modseq)), 0);
}

async function run(s: Session, tag: string, byUid: boolean, options: SearchReturnOptions | null,
                   program: SearchProgram): Promise<void> {
  const box = s.box;
  const db = s.ctx.db;
  const usesModseq = searchUsesModseq(program.key);
  if (usesModseq) s.enableCondstore();
  const key = searchKeyJson(program.key, box);
  const keyText = JSON.stringify(key);
  const partial = options?.partial ?? null;
  // messages that arrived after the session's last look are not in its view yet
  const view = box.map.maxUid > 0 ? SequenceSet.range(1, box.map.maxUid) : SequenceSet.EMPTY;
  // the whole result, unless only a PARTIAL page (and what the summary says) is wanted
  const needAll = !partial || options?.update || (options?.save && options.count);
  let uids = SequenceSet.EMPTY;
  let modseq: number | null = null;
  if (needAll) {
    const [found] = await db.call<{ uids: string; modseq: number | null }>('messages_search', s.userId, box.id, keyText);
    uids = box.map.existing(setFromRunsText(found?.uids ?? ''));
    modseq = usesModseq && found?.modseq != null ? Number(found.modseq) : null;
  }
  let page: SequenceSet | undefined;
  let summary: EsearchData['summary'];
  if (partial && options) {
    // RFC 9394: the database cuts the page (and counts) in the statement; only the page comes back
    const runs = view.isEmpty ? [] : await db.call<{ lo: number; hi: number; modseq: number }>('messages_search_page',
      s.userId, box.id, keyText, view.toPgMultirange(), partial.first, partial.last);
    page = box.map.existing(setFromRuns(runs));
    if (options.count || options.min || options.max) {
      const [row] = view.isEmpty ? [] : await db.call<{ total: number; min_uid: number | null; max_uid: number | null; modseq: number | null }>(
        'messages_search_summary', s.userId, box.id, keyText, view.toPgMultirange());
      summary = { count: Number(row?.total ?? 0), min: row?.min_uid ?? null, max: row?.max_uid ?? null };
      if (usesModseq && options.count) modseq = row?.modseq === null || row?.modseq === undefined ? null : Number(row.modseq);
    }
    if (usesModseq && !options.count) {
      // RFC 7162 §3.1.5: the highest modseq of the messages returned: the page, MIN and MAX
      const ends = SequenceSet.fromNumbers([...(options.min && summary?.min ? [summary.min] : []),
        ...(options.max && summary?.max ? [summary.max] : [])]);
      const highest = Math.max(runs.reduce((m, r) => Math.max(m, Number(r.modseq)), 0), await modseqOf(s, ends));
      modseq = highest > 0 ? highest : null;
    }
  } else if (modseq !== null && options && !options.all && !options.count && !uids.isEmpty && (options.min || options.max)) {
    // RFC 7162 §3.1.5: with only MIN and/or MAX, MODSEQ is the highest of the returned messages
    modseq = await modseqOf(s, SequenceSet.fromNumbers([...(options.min ? [uids.min ?? 0] : []), ...(options.max ? [uids.max ?? 0] : [])]));
  }
  const toClient = (set: SequenceSet) => (byUid ? set : box.map.msnsOfUids(set));
  if (options?.save) {
    const ends = summary ?? { min: uids.min ?? null, max: uids.max ?? null };
    const minMax = SequenceSet.fromNumbers([...(options.min && ends.min ? [ends.min] : []), ...(options.max && ends.max ? [ends.max] : [])]);
    // RFC 5182 §2.1: with MIN and/or MAX (and neither ALL nor COUNT) only those messages are
    // saved; RFC 9394 §3.2: with PARTIAL (and no COUNT) the page and those, with COUNT everything
    box.saved = options.count || options.all ? uids
      : page ? page.union(minMax)
      : (options.min || options.max) ? minMax : uids;
    // §2.1: SAVE alone asks for no ESEARCH response
    if (!options.min && !options.max && !options.all && !options.count && !partial && !options.update) return;
  }
  let scores: number[] | null = null;
  if (options?.relevancy) {
    // RFC 6203 §4: a score per returned message; with PARTIAL those of the page
    scores = await relevancyScores(s, box.id, [...(page ?? uids)], keyText);
  }
  if (options) {
    await esearch(s, tag, byUid, options, {
      result: toClient(uids), summary, page: page && toClient(page), modseq, scores,
    });
    // RFC 5267 §4.3: keep the whole result current (PARTIAL does not narrow it, RFC 9394 §3.1)
    if (options.update && !box.searchUpdates.start(tag, byUid, key, uids)) {
      await s.status('NO', Code.other('NOUPDATE', tag), 'Too many searches kept up to date; this one is not');
    }
  } else if (s.rev2) {
    // RFC 9051 §6.4.4: IMAP4rev2 answers with ESEARCH, no RETURN meaning RETURN (ALL)
    await esearch(s, tag, byUid, RETURN_ALL, { result: toClient(uids), modseq, scores: null });
  } else {
    await plainSearch(s, toClient(uids), uids.isEmpty ? null : modseq);
  }
}

export const search = makeSearch(false);
export const uidSearch = makeSearch(true);
