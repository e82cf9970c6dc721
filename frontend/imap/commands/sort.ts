// SORT and UID SORT (RFC 5256 §3) with DISPLAYFROM/DISPLAYTO (RFC 5957), ESORT return options
// MIN MAX ALL COUNT (RFC 5267 §3), PARTIAL (RFC 9394, RFC 5267 §4.4) and MODSEQ (RFC 7162 §3.1.5). The search program and the
// ordering are evaluated together by one api.messages_sort call over the session's view of the
// mailbox (messages that arrived since its last look are not in it yet).
import iconv from 'iconv-lite';
import { bad, defineCommand, SELECTED } from '../command.ts';
import { atom, Code, raw, type ResponseValue } from '../compiler.ts';
import { parseCharsetAndCriteria, parseSearchReturnOptions, searchUsesFuzzy, searchUsesModseq } from '../grammar/search-program.ts';
import { parseSortCriteria } from '../grammar/sort-criteria.ts';
import { partialData } from '../partial.ts';
import { relevancyScores } from '../relevancy.ts';
import { searchKeyJson } from '../search-program.ts';
import { SequenceSet } from '../seqset.ts';
import { orderedSequenceSet, uidsOf } from '../sort-context.ts';
import type { Session } from '../session.ts';
import type { PartialRange, SearchReturnOptions } from '../types.ts';

const decoders = {
  charsetDecoder: (name: string) => (iconv.encodingExists(name) ? (b: Buffer) => iconv.decode(b, name) : null),
};

/** api.messages_sort's one row: the UIDs in sort order, space-separated, and their highest modseq. */
interface SortResult extends Record<string, unknown> {
  uids: string;
  modseq: number | null;
}

/** Numbers per piece of a long `* SORT` line, so a huge result streams with back-pressure. */
const PIECE = 8192;

async function plainSort(s: Session, numbers: readonly number[], modseq: number | null): Promise<void> {
  const w = s.writer();
  w.value(raw('* SORT'));
  for (let i = 0; i < numbers.length; i += PIECE) {
    w.value(raw(' ' + numbers.slice(i, i + PIECE).join(' ')));
    await s.sendIfLarge(w);
  }
  if (modseq !== null) w.value(raw(` (MODSEQ ${modseq})`));
  w.value(raw('\r\n'));
  await s.send(w);
}

/** RFC 5267 §3.1: MIN and MAX are the first and last message in sort order. */
async function esort(s: Session, tag: string, byUid: boolean, o: SearchReturnOptions, numbers: readonly number[],
                     modseq: number | null, scores: number[] | null): Promise<void> {
  const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (byUid) out.push(atom('UID'));
  const any = numbers.length > 0;
  if (o.min && any) out.push(atom('MIN'), numbers[0]);
  if (o.max && any) out.push(atom('MAX'), numbers[numbers.length - 1]);
  if (o.count) out.push(atom('COUNT'), numbers.length);
  if (o.all && any) out.push(atom('ALL'), raw(orderedSequenceSet(numbers)));
  if (modseq !== null && any) out.push(atom('MODSEQ'), modseq);
  // RFC 6203 §6: the scores in sort order
  if (scores) out.push(atom('RELEVANCY'), scores);
  await s.untagged(...out);
}

type SortRow = { uid: number; modseq: number };

/** Positions a..b of the sort order (RFC 9394), in sort order, cut by api.messages_sort_page. */
async function sortPage(s: Session, view: string, keys: string[], search: string, first: number,
                        last: number): Promise<SortRow[]> {
  const rows = await s.ctx.db.call<SortRow>('messages_sort_page', s.userId, s.box.id, view, keys, search, first, last);
  // a page counted from the end comes back last-first
  return first < 0 ? rows.reverse() : rows;
}

/**
 * ESORT with PARTIAL (RFC 9394 §3.1, RFC 5267 §4.4): the page in sort order; MIN and MAX are the
 * first and last message in sort order (pages of one), COUNT the size of the whole result; none
 * of them ships the result.
 */
async function partialSort(s: Session, tag: string, byUid: boolean, o: SearchReturnOptions, p: PartialRange,
                           keys: string[], search: string, usesModseq: boolean): Promise<void> {
  const box = s.box;
  const viewSet = box.map.allUids();
  const view = viewSet.toPgMultirange();
  const none = viewSet.isEmpty;
  const page = none ? [] : await sortPage(s, view, keys, search, p.first, p.last);
  const minRow = o.min && !none ? (await sortPage(s, view, keys, search, 1, 1))[0] : undefined;
  const maxRow = o.max && !none ? (await sortPage(s, view, keys, search, -1, -1))[0] : undefined;
  let count = 0;
  let modseq: number | null = null;
  if (o.count && !none) {
    const [row] = await s.ctx.db.call<{ total: number; modseq: number | null }>('messages_search_summary', s.userId,
      box.id, search, view);
    count = Number(row?.total ?? 0);
    if (usesModseq && row?.modseq != null) modseq = Number(row.modseq);
  } else if (usesModseq) {
    // RFC 7162 §3.1.5: the highest modseq of the messages returned
    const highest = [...page, ...(minRow ? [minRow] : []), ...(maxRow ? [maxRow] : [])]
      .reduce((m, r) => Math.max(m, Number(r.modseq)), 0);
    modseq = highest > 0 ? highest : null;
  }
  const number = (r: SortRow) => (byUid ? r.uid : box.map.msnOf(r.uid));
  const out: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (byUid) out.push(atom('UID'));
  if (minRow) out.push(atom('MIN'), number(minRow));
  if (maxRow) out.push(atom('MAX'), number(maxRow));
  if (o.count) out.push(atom('COUNT'), count);
  // RFC 5267 §3.1: members appear in sort order, so only ascending runs are ranges
  out.push(...partialData(p, orderedSequenceSet(page.map(number))));
  if (modseq !== null) out.push(atom('MODSEQ'), modseq);
  if (o.relevancy) {
    out.push(atom('RELEVANCY'), await relevancyScores(s, box.id, page.map((r) => r.uid), search));
  }
  await s.untagged(...out);
}

function makeSort(byUid: boolean) {
  return defineCommand({
    name: byUid ? 'UID SORT' : 'SORT',
    states: SELECTED,
    usesMsns: !byUid,
    parse(c) {
      c.space();
      const options = parseSearchReturnOptions(c);
      if (options) c.space();
      const criteria = parseSortCriteria(c);
      c.space();
      const program = parseCharsetAndCriteria(c, decoders);
      c.end();
      return { options, criteria, program };
    },
    async execute(s, { options, criteria, program }, tag) {
      // CONTEXT is a hint (RFC 5267 §4.2)
      if (options?.save) throw bad('Unsupported sort return option');
      // RFC 5267 §4.3: updates are told apart by tag, so a live one's tag may not start another
      if (options?.update && s.box.searchUpdates.has(tag)) throw bad('Tag reuse: a search with this tag is kept up to date');
      // RFC 6203 §4, §6: RELEVANCY (return option or sort key) MUST NOT be used without FUZZY
      if ((options?.relevancy || criteria.some((k) => k.key === 'RELEVANCY')) && !searchUsesFuzzy(program.key)) {
        throw bad('RELEVANCY needs a FUZZY search key');
      }
      const box = s.box;
      const usesModseq = searchUsesModseq(program.key);
      if (usesModseq) s.enableCondstore();
      const view = box.map.allUids();
      const keys = criteria.map((k) => (k.reverse ? 'REVERSE ' : '') + k.key);
      const key = searchKeyJson(program.key, box);
      const search = JSON.stringify(key);
      if (options?.partial && !options.update) {
        await partialSort(s, tag, byUid, options, options.partial, keys, search, usesModseq);
        return;
      }
      const [sorted] = view.isEmpty ? [] : await s.ctx.db.call<SortResult>('messages_sort',
        s.userId, box.id, view.toPgMultirange(), keys, search);
      const text = sorted?.uids ?? '';
      if (!options && !usesModseq && (byUid || box.map.isIdentity)) {
        // the database's text is the answer as it stands: a million numbers need not be parsed
        const w = s.writer();
        w.value(raw(text === '' ? '* SORT\r\n' : `* SORT ${text}\r\n`));
        await s.send(w);
        return;
      }
      const uids = uidsOf(text);
      if (options?.partial) {
        // with UPDATE (RFC 5267 §4.4): the page as asked; the whole order is what is kept current
        await partialSort(s, tag, byUid, options, options.partial, keys, search, usesModseq);
      } else {
        const numbers = byUid ? uids : uids.map((uid) => box.map.msnOf(uid));
        const modseq = usesModseq && uids.length > 0 && sorted?.modseq != null ? Number(sorted.modseq) : null;
        // scored are the sorted messages only, not every message of the view
        const scores = options?.relevancy ? await relevancyScores(s, box.id, uids, search) : null;
        if (options) await esort(s, tag, byUid, options, numbers, modseq, scores);
        else await plainSort(s, numbers, modseq);
      }
      // RFC 5267 §4.3 (CONTEXT=SORT): kept current in sort order until CANCELUPDATE or the selection ends
      if (options?.update && !box.searchUpdates.start(tag, byUid, key, SequenceSet.fromNumbers(uids),
        { keys, order: uids })) {
        await s.status('NO', Code.other('NOUPDATE', tag), 'Too many searches kept up to date; this one is not');
      }
    },
  });
}

export const sort = makeSort(false);
export const uidSort = makeSort(true);
