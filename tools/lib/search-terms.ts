// The search language of the admin commands, shaped like IMAP SEARCH (RFC 3501 §6.4.4): terms in
// a row must all match; "or a b", "not a" and parentheses combine them. aox undelete searches
// expunged messages; aox retain|delete messages limit a policy to the messages a search matches.
// Keys are case-insensitive:
//   all                      every message
//   uid <set>                UIDs, IMAP sequence-set syntax: 4, 1:9, 7:*, 1,3,10:12
//   from|to|cc|subject <s>   substring of the decoded field, case-insensitive
//   body <s>                 substring of the decoded text of the body (HTML reduced to text)
//   since|before|on <date>   internal date (whole UTC days), date as 2024-01-31 or 31-Jan-2024
// and for expunged messages only (aox undelete):
//   reason <s>               substring of why it was expunged ("expunged", "moved", "mailbox deleted",
//                            "retention policy")
//   deleted-since|deleted-before <date>   when it was expunged
// The result is the JSON that mail.selector_match evaluates (db/functions/70_retention.sql).
import { CliError } from '../lib/command.ts';

export type SearchTerm =
  | { op: 'all' }
  | { op: 'and' | 'or'; terms: SearchTerm[] }
  | { op: 'not'; term: SearchTerm }
  | { op: 'uid'; set: string }
  | { op: 'from' | 'to' | 'cc' | 'subject' | 'body' | 'reason'; text: string }
  | { op: 'since' | 'before' | 'on' | 'deleted-since' | 'deleted-before'; date: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TEXT_KEYS = new Set(['from', 'to', 'cc', 'subject', 'body', 'reason']);
const DATE_KEYS = new Set(['since', 'before', 'on', 'deleted-since', 'deleted-before']);
/** the keys that describe an expunge, meaningless for live messages */
const EXPUNGE_KEYS = new Set(['reason', 'deleted-since', 'deleted-before']);

/** What is searched: expunged messages (aox undelete) or live ones (retention policies). */
export type SearchKind = 'expunged' | 'live';
const MAX_UID = 2147483647;

/** 2024-01-31 or 31-Jan-2024 (RFC 3501 date) → 2024-01-31. */
export function parseSearchDate(text: string): string {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text))) {
    [d, m, y] = [Number(match[1]), MONTHS.indexOf(match[2].toLowerCase()) + 1, Number(match[3])];
  } else {
    throw new CliError(`not a date (use 2024-01-31 or 31-Jan-2024): ${text}`);
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) throw new CliError(`no such date: ${text}`);
  return date.toISOString().slice(0, 10);
}

/** An IMAP sequence set of UIDs as int4multirange text: "1:3,7,9:*" → "{[1,4),[7,8),[9,)}". */
export function uidSetToMultirange(text: string): string {
  const ranges: string[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!m) throw new CliError(`not a UID set (like 1:5,9,12:*): ${text}`);
    const value = (s: string) => (s === '*' ? MAX_UID : Number(s));
    let lo = value(m[1]);
    let hi = m[2] === undefined ? lo : value(m[2]);
    if (lo > hi) [lo, hi] = [hi, lo];
    if (lo < 1 || hi > MAX_UID) throw new CliError(`UIDs are 1 to ${MAX_UID}: ${text}`);
    // the exclusive upper bound of the highest UID does not fit an int4: leave it open
    ranges.push(`[${lo},${hi === MAX_UID ? '' : hi + 1})`);
  }
  return `{${ranges.join(',')}}`;
}

/**
 * Parses shell words. Parentheses may stand alone or stick to words: "(from" "x)" — a "(" that
 * starts a key word opens a group, and ")" ending a value closes one when a group is open, so a
 * value like "(no subject)" outside any group stays whole.
 */
export function parseSearchTerms(words: string[], kind: SearchKind): SearchTerm {
  const tokens = [...words];
  let pos = 0;
  let depth = 0;
  const take = (what: string, isKey: boolean): string => {
    if (pos >= tokens.length) throw new CliError(`the search ends where ${what} was expected`);
    let w = tokens[pos];
    if (isKey && w.length > 1 && w.startsWith('(')) {
      tokens.splice(pos, 1, '(', w.slice(1));
      w = '(';
    } else if (depth > 0 && w.length > 1 && w.endsWith(')')) {
      let n = 0;
      while (n < w.length - 1 && n < depth && w[w.length - 1 - n] === ')') n++;
      tokens.splice(pos, 1, w.slice(0, w.length - n), ...Array<string>(n).fill(')'));
      w = tokens[pos];
    }
    pos++;
    return w;
  };
  const term = (): SearchTerm => {
    const word = take('a search key', true);
    const key = word.toLowerCase();
    if (key === '(') {
      depth++;
      const terms: SearchTerm[] = [];
      while (pos < tokens.length && tokens[pos] !== ')') terms.push(term());
      if (pos >= tokens.length || terms.length === 0) throw new CliError('empty or unclosed parentheses in the search');
      pos++;
      depth--;
      return terms.length === 1 ? terms[0] : { op: 'and', terms };
    }
    if (key === 'all') return { op: 'all' };
    if (key === 'not') return { op: 'not', term: term() };
    if (key === 'or') return { op: 'or', terms: [term(), term()] };
    if (kind === 'live' && EXPUNGE_KEYS.has(key)) throw new CliError(`${key} only applies to expunged messages (aox undelete)`);
    if (key === 'uid') return { op: 'uid', set: uidSetToMultirange(take('a UID set', false)) };
    if (TEXT_KEYS.has(key)) return { op: key as 'from', text: take(`a string after ${key}`, false) };
    if (DATE_KEYS.has(key)) return { op: key as 'since', date: parseSearchDate(take(`a date after ${key}`, false)) };
    if (/^[\d*][\d*:,]*$/.test(word)) return { op: 'uid', set: uidSetToMultirange(word) };
    throw new CliError(`unknown search key: ${word} (see aox help ${kind === 'live' ? 'retain messages' : 'undelete'})`);
  };
  const terms: SearchTerm[] = [];
  while (pos < tokens.length) terms.push(term());
  if (terms.length === 0) throw new CliError('a search is needed; "all" matches every message');
  return terms.length === 1 ? terms[0] : { op: 'and', terms };
}

/** Does this word begin a search rather than name a mailbox? (A UID set like 1:5 has a colon too.) */
export function startsSearch(word: string): boolean {
  const w = word.replace(/^\(+/, '').toLowerCase();
  return w === '' || w === 'all' || w === 'not' || w === 'or' || w === 'uid' || TEXT_KEYS.has(w) || DATE_KEYS.has(w) ||
    /^[\d*][\d*:,]*$/.test(w);
}

const quote = (s: string) => (/^[^\s()"]+$/.test(s) ? s : JSON.stringify(s));

/** A search back in the words it was written with (aox show retention). */
export function formatSearch(t: SearchTerm): string {
  switch (t.op) {
    case 'all': return 'all';
    case 'and': return t.terms.map((x) => (x.op === 'and' ? `(${formatSearch(x)})` : formatSearch(x))).join(' ');
    case 'or': return `or ${t.terms.map((x) => (x.op === 'and' ? `(${formatSearch(x)})` : formatSearch(x))).join(' ')}`;
    case 'not': return `not ${t.term.op === 'and' ? `(${formatSearch(t.term)})` : formatSearch(t.term)}`;
    case 'uid': return `uid ${multirangeToUidSet(t.set)}`;
    case 'from': case 'to': case 'cc': case 'subject': case 'body': case 'reason': return `${t.op} ${quote(t.text)}`;
    default: return `${t.op} ${t.date}`;
  }
}

/** "{[1,4),[7,8),[9,)}" → "1:3,7,9:*" */
export function multirangeToUidSet(text: string): string {
  return [...text.matchAll(/\[(\d+),(\d*)\)/g)].map(([, lo, hi]) => {
    if (hi === '' && Number(lo) === MAX_UID) return '*';
    const last = hi === '' ? '*' : String(Number(hi) - 1);
    return last === lo ? lo : `${lo}:${last}`;
  }).join(',');
}
