// SEARCH criteria (RFC 3501 §6.4.4, RFC 9051 §6.4.4) and their extensions, parsed into a SearchKey
// tree; and the ESEARCH `RETURN (…)` options.
//
//   search         = "SEARCH" [search-return-opts] SP search-program
//   search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)
//   sort/thread    = … SP search-charset SP search-key *(SP search-key)       (RFC 5256)
//
// Extensions: MODSEQ (RFC 7162), OLDER/YOUNGER (RFC 5032), `$` (RFC 5182), SAVEDBEFORE/SAVEDON/
// SAVEDSINCE/SAVEDATESUPPORTED (RFC 8514), EMAILID/THREADID (RFC 8474), FUZZY (RFC 6203); return
// options MIN MAX ALL COUNT (RFC 4731), SAVE (RFC 5182), CONTEXT UPDATE PARTIAL (RFC 5267, 9394),
// RELEVANCY (RFC 6203).
//
// Search strings arrive as bytes in the named charset. UTF-8 and US-ASCII are decoded here; other
// charsets through a decoder the caller supplies (so this library needs no iconv). An unknown
// charset throws BadCharsetError, which the command answers with NO [BADCHARSET (…)].

import { BadCharsetError, Cursor, ParseError } from '../parser.ts';
import { MAX_UINT32 } from '../seqset.ts';
import type { DateOp, PartialRange, SearchKey, SearchProgram, SearchReturnOptions, StringSearchField } from '../types.ts';
import { decodeUtf8Strict } from './utf8.ts';

/** Turns a search string's bytes into text. */
export type CharsetDecoder = (bytes: Buffer) => string;

export interface SearchOptions {
  /**
   * A decoder for a charset other than UTF-8 and US-ASCII (name upper-cased), or null when that
   * charset is unknown.
   */
  charsetDecoder?: (charset: string) => CharsetDecoder | null;
  /** the charsets BADCHARSET lists; default UTF-8 and US-ASCII */
  supportedCharsets?: readonly string[];
}

/** How deeply NOT/OR/FUZZY/parentheses may nest; deeper input is refused rather than recursed into. */
export const MAX_SEARCH_DEPTH = 100;

/** Search keys that test one system flag (their UN… forms test its absence). */
const FLAG_KEYS: ReadonlyMap<string, string> = new Map([
  ['ANSWERED', '\\Answered'],
  ['DELETED', '\\Deleted'],
  ['DRAFT', '\\Draft'],
  ['FLAGGED', '\\Flagged'],
  ['SEEN', '\\Seen'],
]);

const STRING_KEYS: ReadonlyMap<string, StringSearchField> = new Map<string, StringSearchField>([
  ['BCC', 'bcc'],
  ['BODY', 'body'],
  ['CC', 'cc'],
  ['FROM', 'from'],
  ['SUBJECT', 'subject'],
  ['TEXT', 'text'],
  ['TO', 'to'],
]);

const DATE_KEYS: ReadonlyMap<string, { type: 'internaldate' | 'sentdate' | 'savedate'; op: DateOp }> = new Map([
  ['BEFORE', { type: 'internaldate', op: 'before' }],
  ['ON', { type: 'internaldate', op: 'on' }],
  ['SINCE', { type: 'internaldate', op: 'since' }],
  ['SENTBEFORE', { type: 'sentdate', op: 'before' }],
  ['SENTON', { type: 'sentdate', op: 'on' }],
  ['SENTSINCE', { type: 'sentdate', op: 'since' }],
  ['SAVEDBEFORE', { type: 'savedate', op: 'before' }],
  ['SAVEDON', { type: 'savedate', op: 'on' }],
  ['SAVEDSINCE', { type: 'savedate', op: 'since' }],
]);

const DEFAULT_CHARSETS = ['UTF-8', 'US-ASCII'] as const;

const utf8Decoder: CharsetDecoder = (bytes) => decodeUtf8Strict(bytes, 'Search string');

/**
 * The decoder for `charset` (case-insensitive). US-ASCII is decoded as UTF-8, its superset, because
 * clients that declare US-ASCII still send 8-bit text. Throws BadCharsetError when unknown.
 */
export function charsetDecoder(charset: string, options: SearchOptions = {}): CharsetDecoder {
  const name = charset.toUpperCase();
  if (name === 'UTF-8' || name === 'US-ASCII') return utf8Decoder;
  const decoder = options.charsetDecoder?.(name) ?? null;
  if (decoder === null) throw new BadCharsetError(charset, options.supportedCharsets ?? DEFAULT_CHARSETS);
  return (bytes) => {
    try {
      return decoder(bytes);
    } catch (e) {
      if (e instanceof ParseError) throw e;
      throw new ParseError(`Search string is not valid ${name.slice(0, 40)}`);
    }
  };
}

interface Context {
  decode: CharsetDecoder;
}

function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0x20) return false;
  return true;
}

function readCharset(c: Cursor): string {
  const start = c.position;
  const name = c.astring();
  // charset names are short printable ASCII (RFC 2978); anything else cannot name a charset
  for (let i = 0; i < name.length; i++) {
    if (name[i] < 0x21 || name[i] > 0x7e) throw new ParseError('Invalid charset name', start);
  }
  if (name.length === 0 || name.length > 100) throw new ParseError('Invalid charset name', start);
  return name.toString('latin1');
}

/**
 * SEARCH's search-program: optional `CHARSET name SP`, then the criteria up to the end of the
 * command. The caller still calls end().
 */
export function parseSearchProgram(c: Cursor, options: SearchOptions = {}): SearchProgram {
  let charset = 'US-ASCII';
  if (c.tryKeyword('CHARSET')) {
    c.space();
    charset = readCharset(c);
    c.space();
  }
  const decode = charsetDecoder(charset, options);
  return { charset: charset.toUpperCase(), key: parseSearchCriteria(c, decode) };
}

/** SORT's and THREAD's form (RFC 5256): a mandatory charset, SP, then the criteria. */
export function parseCharsetAndCriteria(c: Cursor, options: SearchOptions = {}): SearchProgram {
  const charset = readCharset(c);
  c.space();
  const decode = charsetDecoder(charset, options);
  return { charset: charset.toUpperCase(), key: parseSearchCriteria(c, decode) };
}

/** One or more SP-separated search keys up to the end of the command; several keys mean AND. */
export function parseSearchCriteria(c: Cursor, decode: CharsetDecoder = utf8Decoder): SearchKey {
  const ctx: Context = { decode };
  const keys: SearchKey[] = [parseSearchKey(c, ctx, 0)];
  while (c.peekChar() === ' ' && !isBlank(c.rest())) {
    c.space();
    keys.push(parseSearchKey(c, ctx, 0));
  }
  return keys.length === 1 ? keys[0] : { type: 'and', keys };
}

function decodeString(c: Cursor, ctx: Context): string {
  return ctx.decode(c.astring());
}

function objectId(c: Cursor): string {
  const start = c.position;
  const id = c.astring().toString('latin1');
  // RFC 8474 objectid = 1*255(ALPHA / DIGIT / "_" / "-")
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(id)) throw new ParseError('Invalid object id', start);
  return id;
}

function parseSearchKey(c: Cursor, ctx: Context, depth: number): SearchKey {
  if (depth > MAX_SEARCH_DEPTH) throw c.error('Search criteria nested too deeply');
  const ch = c.peekChar();
  if (ch === '(') {
    const keys = c.list((cur) => parseSearchKey(cur, ctx, depth + 1));
    return keys.length === 1 ? keys[0] : { type: 'and', keys };
  }
  if (ch === '*' || ch === '$' || c.peekDigit()) return { type: 'seq', set: c.sequenceSet() };
  if (ch === '' || ch === ' ' || ch === ')') throw c.expected('a search key');

  const start = c.position;
  const word = c.keywordToken();
  const flag = FLAG_KEYS.get(word);
  if (flag !== undefined) return { type: 'flag', flag };
  if (word.startsWith('UN')) {
    const negated = FLAG_KEYS.get(word.slice(2));
    if (negated !== undefined) return { type: 'not', key: { type: 'flag', flag: negated } };
  }
  const field = STRING_KEYS.get(word);
  if (field !== undefined) {
    c.space();
    return { type: 'string', field, value: decodeString(c, ctx) };
  }
  const dateKey = DATE_KEYS.get(word);
  if (dateKey !== undefined) {
    c.space();
    return { type: dateKey.type, op: dateKey.op, date: c.date() };
  }
  switch (word) {
    case 'ALL':
      return { type: 'all' };
    case 'RECENT':
      return { type: 'recent' };
    case 'NEW':
      return { type: 'and', keys: [{ type: 'recent' }, { type: 'not', key: { type: 'flag', flag: '\\Seen' } }] };
    case 'OLD':
      return { type: 'not', key: { type: 'recent' } };
    case 'KEYWORD':
    case 'UNKEYWORD': {
      c.space();
      const kwStart = c.position;
      if (c.peekChar() === '\\') throw new ParseError('KEYWORD takes a keyword, not a system flag', kwStart);
      const key: SearchKey = { type: 'flag', flag: c.atom() };
      return word === 'KEYWORD' ? key : { type: 'not', key };
    }
    case 'HEADER': {
      c.space();
      const name = c.headerFieldName();
      c.space();
      return { type: 'header', field: name, value: decodeString(c, ctx) };
    }
    case 'LARGER':
    case 'SMALLER':
      c.space();
      return { type: 'size', op: word === 'LARGER' ? 'larger' : 'smaller', size: c.safeNumber64() };
    case 'UID':
      c.space();
      return { type: 'uid', set: c.sequenceSet() };
    case 'NOT':
      c.space();
      return { type: 'not', key: parseSearchKey(c, ctx, depth + 1) };
    case 'OR': {
      c.space();
      const left = parseSearchKey(c, ctx, depth + 1);
      c.space();
      const right = parseSearchKey(c, ctx, depth + 1);
      return { type: 'or', left, right };
    }
    case 'FUZZY':
      c.space();
      return { type: 'fuzzy', key: parseSearchKey(c, ctx, depth + 1) };
    case 'OLDER':
    case 'YOUNGER':
      c.space();
      return { type: 'age', op: word === 'OLDER' ? 'older' : 'younger', seconds: c.nzNumber() };
    case 'SAVEDATESUPPORTED':
      return { type: 'savedatesupported' };
    case 'EMAILID':
      c.space();
      return { type: 'emailid', id: objectId(c) };
    case 'THREADID':
      c.space();
      return { type: 'threadid', id: objectId(c) };
    case 'MODSEQ':
      c.space();
      return parseModseqKey(c);
    default:
      throw new ParseError(`Unknown search key ${word.slice(0, 30)}`, start);
  }
}

/**
 * RFC 7162: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer, where entry-name is
 * `"/flags/" attr-flag` in quotes, e.g. MODSEQ "/flags/\\draft" all 620162338.
 */
function parseModseqKey(c: Cursor): SearchKey {
  let entry: { flag: string; kind: 'priv' | 'shared' | 'all' } | null = null;
  if (c.peekChar() === '"') {
    const start = c.position;
    const name = c.quoted().toString('latin1');
    const m = /^\/flags\/(.+)$/i.exec(name);
    if (!m) throw new ParseError('Invalid MODSEQ entry name', start);
    const flag = new Cursor(m[1]);
    let flagName: string;
    try {
      flagName = flag.flag();
      flag.end();
    } catch (e) {
      if (e instanceof ParseError) throw new ParseError('Invalid flag in MODSEQ entry name', start);
      throw e;
    }
    c.space();
    const kindStart = c.position;
    const kind = c.atom().toLowerCase();
    if (kind !== 'priv' && kind !== 'shared' && kind !== 'all') {
      throw new ParseError('MODSEQ entry type must be priv, shared or all', kindStart);
    }
    entry = { flag: flagName, kind };
    c.space();
  }
  return { type: 'modseq', modseq: c.number64(), entry };
}

/**
 * `RETURN (…)` if next (ESEARCH, RFC 4731; ESORT, RFC 5267); null if the next token is not RETURN.
 * Consumes "RETURN" SP "(" … ")" but not the SP after it. An empty list means ALL.
 */
export function parseSearchReturnOptions(c: Cursor): SearchReturnOptions | null {
  if (!c.tryKeyword('RETURN')) return null;
  c.space();
  const o: SearchReturnOptions = {
    min: false,
    max: false,
    all: false,
    count: false,
    save: false,
    context: false,
    update: false,
    relevancy: false,
    partial: null,
  };
  const start = c.position;
  const names = c.list(
    (cur) => {
      const at = cur.position;
      const word = cur.keywordToken();
      switch (word) {
        case 'MIN':
          o.min = true;
          break;
        case 'MAX':
          o.max = true;
          break;
        case 'ALL':
          // RFC 9394 §3.1: one ALL or one PARTIAL at most
          if (o.all) throw new ParseError('Duplicate ALL', at);
          o.all = true;
          break;
        case 'COUNT':
          o.count = true;
          break;
        case 'SAVE':
          o.save = true;
          break;
        case 'CONTEXT':
          o.context = true;
          break;
        case 'UPDATE':
          o.update = true;
          break;
        case 'RELEVANCY':
          o.relevancy = true;
          break;
        case 'PARTIAL':
          if (o.partial !== null) throw new ParseError('Duplicate PARTIAL', at);
          cur.space();
          o.partial = parsePartialRange(cur);
          break;
        default:
          throw new ParseError(`Unknown search return option ${word.slice(0, 30)}`, at);
      }
      return word;
    },
    { allowEmpty: true },
  );
  if (names.length === 0) o.all = true;
  if (o.all && o.partial !== null) throw new ParseError('ALL and PARTIAL cannot be combined', start);
  return o;
}

/** RFC 9394 partial-range: "a:b" (from the start) or "-a:-b" (from the end), 1-based. */
export function parsePartialRange(c: Cursor): PartialRange {
  const start = c.position;
  const text = c.atom();
  const m = /^(-?)([1-9][0-9]{0,9}):(-?)([1-9][0-9]{0,9})$/.exec(text);
  if (!m || m[1] !== m[3]) throw new ParseError('Invalid PARTIAL range', start);
  const a = Number(m[2]);
  const b = Number(m[4]);
  if (a > MAX_UINT32 || b > MAX_UINT32) throw new ParseError('Invalid PARTIAL range', start);
  const sign = m[1] === '-' ? -1 : 1;
  // either order is the same range; keep first nearer the edge it counts from
  return { first: sign * Math.min(a, b), last: sign * Math.max(a, b) };
}

/** Visits every key of the tree. */
function someKey(key: SearchKey, test: (k: SearchKey) => boolean): boolean {
  if (test(key)) return true;
  switch (key.type) {
    case 'and':
      return key.keys.some((k) => someKey(k, test));
    case 'or':
      return someKey(key.left, test) || someKey(key.right, test);
    case 'not':
    case 'fuzzy':
      return someKey(key.key, test);
    default:
      return false;
  }
}

/** True if the criteria use MODSEQ, which makes SEARCH CONDSTORE-enabling (RFC 7162 §3.1.5). */
export function searchUsesModseq(key: SearchKey): boolean {
  return someKey(key, (k) => k.type === 'modseq');
}

/** True if the criteria refer to the saved result `$` (RFC 5182). */
export function searchUsesSavedResult(key: SearchKey): boolean {
  return someKey(key, (k) => (k.type === 'seq' || k.type === 'uid') && k.set.isSaved);
}

/** True if the criteria use FUZZY, so results may carry RELEVANCY scores (RFC 6203). */
export function searchUsesFuzzy(key: SearchKey): boolean {
  return someKey(key, (k) => k.type === 'fuzzy');
}
