// The IMAP command tokenizer: a Cursor over one complete command.
//
// The network layer hands over each command as a single Buffer exactly as it came on the wire, minus
// the final CRLF: the tag, the command name, the arguments, and every literal inline — the bytes up
// to `{n}`, `{n+}` or `~{n}`, CRLF, the n literal bytes, and the rest of the line. Commands read their
// arguments with the methods below, each of which either consumes one grammar element of RFC 3501
// §9 / RFC 9051 §9 or throws ParseError (which the dispatcher answers with BAD). Nothing else is
// ever thrown for bad input.
//
// Strings come back as Buffers that share memory with the command (a 100 MB APPEND literal is never
// copied); the …Text() variants decode UTF-8 strictly. Keywords are matched case-insensitively,
// because some clients send them in lower case.

import { BadCharsetError, InvalidMailboxName, ParseError } from './grammar/errors.ts';
import { decodeUtf8Strict, isAscii } from './grammar/utf8.ts';
import { MAX_UINT32, parseSequenceSet, type SequenceSetSpec } from './seqset.ts';
import type { ByteRange, ImapDate, Section, SectionText } from './types.ts';
import { decodeUtf7 } from './utf7.ts';

export { BadCharsetError, InvalidMailboxName, ParseError };

export interface CursorOptions {
  /**
   * The session has enabled UTF8=ACCEPT (RFC 6855) or IMAP4rev2: mailbox names are UTF-8 and are
   * not decoded from modified UTF-7.
   */
  utf8Accept?: boolean;
}

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const RBRACKET = 0x5d;
const TILDE = 0x7e;
const PLUS = 0x2b;

/** Largest RFC 9051 `number64`: 2^63 - 1. */
export const MAX_NUMBER64 = 9223372036854775807n;

function table(include: (b: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = include(b) ? 1 : 0;
  return t;
}

// RFC 3501: ATOM-CHAR = <any CHAR except atom-specials>; atom-specials = "(" / ")" / "{" / SP / CTL /
// list-wildcards / quoted-specials / resp-specials.
const ATOM_SPECIALS = '(){%*"\\]';
const ATOM_CHAR = table((b) => b > 0x20 && b < 0x7f && !ATOM_SPECIALS.includes(String.fromCharCode(b)));
const ASTRING_CHAR = table((b) => ATOM_CHAR[b] === 1 || b === RBRACKET);
const TAG_CHAR = table((b) => ASTRING_CHAR[b] === 1 && b !== PLUS);
const LIST_CHAR = table((b) => ATOM_CHAR[b] === 1 || b === 0x25 || b === 0x2a || b === RBRACKET);
/** what keyword-like tokens are made of: FETCH item names, search keys, options */
const KEYWORD_CHAR = table(
  (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2d || b === 0x5f,
);
const SEQUENCE_CHAR = table((b) => (b >= 0x30 && b <= 0x39) || b === 0x3a || b === 0x2c || b === 0x2a || b === 0x24);
const DIGIT = table((b) => b >= 0x30 && b <= 0x39);

const SYSTEM_FLAGS: ReadonlyMap<string, string> = new Map([
  ['answered', '\\Answered'],
  ['flagged', '\\Flagged'],
  ['deleted', '\\Deleted'],
  ['seen', '\\Seen'],
  ['draft', '\\Draft'],
]);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function monthNumber(name: string): number {
  const m = MONTHS.indexOf(name.toLowerCase());
  if (m === -1) throw new ParseError(`Invalid month name`);
  return m + 1;
}

/** Builds an ImapDate, checking that the day exists. */
function makeDate(day: number, monthName: string, year: number): ImapDate {
  const month = monthNumber(monthName);
  if (day < 1 || day > daysInMonth(year, month)) throw new ParseError('Invalid day of month');
  return { year, month, day };
}

/** A printable excerpt of a few bytes, for error messages (never the whole input). */
function excerpt(bytes: Buffer): string {
  let s = '';
  for (let i = 0; i < bytes.length && i < 16; i++) {
    const b = bytes[i];
    s += b >= 0x20 && b < 0x7f && b !== DQUOTE ? String.fromCharCode(b) : '?';
  }
  return s;
}

/**
 * Decodes a mailbox name from the wire: UTF-8 when UTF8=ACCEPT is on, else modified UTF-7 (which
 * must be 7-bit). Control characters are refused in either form, and any case variant of INBOX
 * becomes "INBOX" (RFC 3501 §5.1: INBOX is case-insensitive; no other name is).
 */
export function decodeMailboxName(bytes: Buffer, utf8Accept: boolean): string {
  let name: string;
  if (utf8Accept) {
    name = decodeUtf8Strict(bytes, 'Mailbox name');
  } else {
    if (!isAscii(bytes)) throw new ParseError('Mailbox name has 8-bit characters; use modified UTF-7');
    try {
      name = decodeUtf7(bytes.toString('latin1'));
    } catch (e) {
      if (e instanceof ParseError) throw new InvalidMailboxName(e.message);
      throw e;
    }
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) throw new ParseError('Mailbox name contains control characters');
  }
  if (name.length === 5 && name.toUpperCase() === 'INBOX') return 'INBOX';
  return name;
}

export class Cursor {
  /** the whole command, literals inline, without the final CRLF */
  readonly input: Buffer;
  readonly utf8Accept: boolean;
  private p = 0;

  constructor(input: Buffer | string, options: CursorOptions = {}) {
    this.input = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    this.utf8Accept = options.utf8Accept ?? false;
  }

  // ---- position and inspection ----

  /** byte offset of the next unread byte */
  get position(): number {
    return this.p;
  }

  atEnd(): boolean {
    return this.p >= this.input.length;
  }

  /** the next byte, or -1 at the end */
  peek(): number {
    return this.p < this.input.length ? this.input[this.p] : -1;
  }

  /** the next character as a one-character string, or "" at the end */
  peekChar(): string {
    return this.p < this.input.length ? String.fromCharCode(this.input[this.p]) : '';
  }

  /** true if the next byte is a digit */
  peekDigit(): boolean {
    return this.p < this.input.length && DIGIT[this.input[this.p]] === 1;
  }

  /** the unread rest of the command (shares memory) */
  rest(): Buffer {
    return this.input.subarray(this.p);
  }

  /** A ParseError at the current position. */
  error(message: string): ParseError {
    return new ParseError(message, this.p);
  }

  /** A ParseError saying what was expected and what came instead. */
  expected(what: string): ParseError {
    if (this.atEnd()) return this.error(`Expected ${what} at end of command`);
    return this.error(`Expected ${what} near "${excerpt(this.input.subarray(this.p, this.p + 16))}"`);
  }

  // ---- single characters and keywords ----

  /** Consumes one specific ASCII character or throws. */
  require(ch: string): void {
    if (this.peek() !== ch.charCodeAt(0)) throw this.expected(`"${ch}"`);
    this.p++;
  }

  /** Consumes one specific ASCII character if it is next. */
  skip(ch: string): boolean {
    if (this.peek() !== ch.charCodeAt(0)) return false;
    this.p++;
    return true;
  }

  /** Consumes exactly one SP. */
  space(): void {
    if (this.peek() !== SP) throw this.expected('SP');
    this.p++;
  }

  /** Consumes one SP if it is next. */
  trySpace(): boolean {
    if (this.peek() !== SP) return false;
    this.p++;
    return true;
  }

  /**
   * Asserts that the command is complete. Trailing spaces are tolerated: some clients send them,
   * and they cannot change what the command means.
   */
  end(): void {
    let q = this.p;
    while (q < this.input.length && this.input[q] === SP) q++;
    if (q < this.input.length) throw this.expected('end of command');
    this.p = q;
  }

  /**
   * True if `word` (ASCII, matched case-insensitively) is next and is a whole token, i.e. not
   * followed by another atom character.
   */
  peekKeyword(word: string): boolean {
    const n = word.length;
    if (this.p + n > this.input.length) return false;
    for (let i = 0; i < n; i++) {
      let b = this.input[this.p + i];
      if (b >= 0x61 && b <= 0x7a) b -= 0x20;
      let w = word.charCodeAt(i);
      if (w >= 0x61 && w <= 0x7a) w -= 0x20;
      if (b !== w) return false;
    }
    const after = this.p + n < this.input.length ? this.input[this.p + n] : -1;
    return after === -1 || ATOM_CHAR[after] === 0;
  }

  /** Consumes `word` (case-insensitively) if it is next as a whole token. */
  tryKeyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.p += word.length;
    return true;
  }

  /** Consumes `word` (case-insensitively) or throws. */
  keyword(word: string): void {
    if (!this.tryKeyword(word)) throw this.expected(word);
  }

  /**
   * Reads a keyword-like token — letters, digits, ".", "-", "_" — and returns it upper-cased. Used
   * for names that are followed directly by "[" or "<" (BODY.PEEK[…]), where atom() would read on.
   */
  keywordToken(): string {
    const start = this.p;
    while (this.p < this.input.length && KEYWORD_CHAR[this.input[this.p]] === 1) this.p++;
    if (this.p === start) throw this.expected('a keyword');
    return this.input.toString('latin1', start, this.p).toUpperCase();
  }

  // ---- tags, atoms and strings ----

  /** RFC 3501 `tag`: 1*<any ASTRING-CHAR except "+">. */
  tag(): string {
    const start = this.p;
    while (this.p < this.input.length && TAG_CHAR[this.input[this.p]] === 1) this.p++;
    if (this.p === start) throw this.expected('a tag');
    return this.input.toString('latin1', start, this.p);
  }

  /** RFC 3501 `atom`, as written. */
  atom(): string {
    const start = this.p;
    while (this.p < this.input.length && ATOM_CHAR[this.input[this.p]] === 1) this.p++;
    if (this.p === start) throw this.expected('an atom');
    return this.input.toString('latin1', start, this.p);
  }

  /** RFC 3501 `astring` (atom, quoted or literal) as raw bytes. */
  astring(): Buffer {
    const b = this.peek();
    if (b === DQUOTE) return this.quoted();
    if (b === LBRACE) return this.literal();
    if (this.atLiteral8()) throw this.error('literal8 is not allowed here');
    const start = this.p;
    while (this.p < this.input.length && ASTRING_CHAR[this.input[this.p]] === 1) this.p++;
    if (this.p === start) throw this.expected('a string');
    return this.input.subarray(start, this.p);
  }

  /** astring decoded as UTF-8 (strictly; `what` names it in the error). */
  astringText(what = 'String'): string {
    return decodeUtf8Strict(this.astring(), what);
  }

  /** RFC 3501 `string`: quoted or literal, as raw bytes. */
  string(): Buffer {
    const b = this.peek();
    if (b === DQUOTE) return this.quoted();
    if (b === LBRACE) return this.literal();
    if (this.atLiteral8()) throw this.error('literal8 is not allowed here');
    throw this.expected('a string');
  }

  /** string decoded as UTF-8 (strictly). */
  stringText(what = 'String'): string {
    return decodeUtf8Strict(this.string(), what);
  }

  /** RFC 3501 `nstring`: a string or NIL (null). */
  nstring(): Buffer | null {
    if (this.tryKeyword('NIL')) return null;
    return this.string();
  }

  /**
   * RFC 3501/9051 `quoted`: the content with `\"` and `\\` unescaped. 8-bit bytes are accepted (RFC
   * 9051 allows UTF-8, and older clients send raw 8-bit in SEARCH); CR, LF and NUL are not, and a
   * backslash may only escape `"` or `\`.
   */
  quoted(): Buffer {
    if (this.peek() !== DQUOTE) throw this.expected('a quoted string');
    const start = this.p + 1;
    let q = start;
    let escapes = 0;
    const input = this.input;
    for (;;) {
      if (q >= input.length) throw this.error('Unterminated quoted string');
      const b = input[q];
      if (b === DQUOTE) break;
      if (b === BACKSLASH) {
        const next = q + 1 < input.length ? input[q + 1] : -1;
        if (next !== DQUOTE && next !== BACKSLASH) {
          this.p = q;
          throw this.error('Invalid escape in quoted string');
        }
        escapes++;
        q += 2;
        continue;
      }
      if (b === CR || b === LF || b === 0) {
        this.p = q;
        throw this.error('Quoted string contains CR, LF or NUL');
      }
      q++;
    }
    this.p = q + 1;
    if (escapes === 0) return input.subarray(start, q);
    const out = Buffer.allocUnsafe(q - start - escapes);
    let o = 0;
    for (let i = start; i < q; i++) {
      if (input[i] === BACKSLASH) i++;
      out[o++] = input[i];
    }
    return out;
  }

  /** RFC 3501 `literal` (`{n}` or non-synchronizing `{n+}`); the bytes share memory with the command. */
  literal(): Buffer {
    if (this.atLiteral8()) throw this.error('literal8 is not allowed here');
    return this.literalOrLiteral8().bytes;
  }

  /** true if `~{` is next: "~" alone is an ordinary atom character (as in LIST ~/Mail/ %) */
  private atLiteral8(): boolean {
    return this.peek() === TILDE && this.input[this.p + 1] === LBRACE;
  }

  /**
   * A literal or an RFC 3516 `literal8` (`~{n}`), where both are allowed (APPEND data, CATENATE
   * TEXT). `binary` tells which one it was: only literal8 may contain NUL.
   */
  literalOrLiteral8(): { bytes: Buffer; binary: boolean } {
    const binary = this.skip('~');
    if (this.peek() !== LBRACE) throw this.expected(binary ? '"{" after "~"' : 'a literal');
    this.p++;
    const digitsStart = this.p;
    while (this.peekDigit()) this.p++;
    const digits = this.p - digitsStart;
    if (digits === 0) throw this.expected('a literal length');
    if (digits > 15) throw this.error('Literal too large');
    const n = Number(this.input.toString('latin1', digitsStart, this.p));
    this.skip('+');
    if (this.peek() !== RBRACE) throw this.expected('"}"');
    this.p++;
    if (this.peek() !== CR || this.input[this.p + 1] !== LF) throw this.expected('CRLF after literal length');
    this.p += 2;
    if (this.p + n > this.input.length) throw this.error('Literal is shorter than announced');
    const bytes = this.input.subarray(this.p, this.p + n);
    if (!binary && bytes.indexOf(0) !== -1) throw this.error('NUL in literal; use literal8');
    this.p += n;
    return { bytes, binary };
  }

  // ---- numbers ----

  private digits(what: string, maxDigits: number): string {
    const start = this.p;
    while (this.peekDigit()) this.p++;
    if (this.p === start) throw this.expected(what);
    if (this.p - start > maxDigits) {
      this.p = start;
      throw this.error('Number too large');
    }
    return this.input.toString('latin1', start, this.p);
  }

  /** RFC 3501 `number`: an unsigned 32-bit integer. */
  number(): number {
    const start = this.p;
    const n = Number(this.digits('a number', 10));
    if (n > MAX_UINT32) {
      this.p = start;
      throw this.error('Number too large');
    }
    return n;
  }

  /** RFC 3501 `nz-number`: 1 to 2^32-1, no leading zero. */
  nzNumber(): number {
    if (this.peek() === 0x30) throw this.error('Expected a non-zero number');
    return this.number();
  }

  /** RFC 9051 `number64` (0 to 2^63-1) as a bigint: mod-sequences need all 63 bits. */
  number64(): bigint {
    const start = this.p;
    const n = BigInt(this.digits('a number', 19));
    if (n > MAX_NUMBER64) {
      this.p = start;
      throw this.error('Number too large');
    }
    return n;
  }

  /** RFC 9051 `nz-number64`. */
  nzNumber64(): bigint {
    if (this.peek() === 0x30) throw this.error('Expected a non-zero number');
    return this.number64();
  }

  /**
   * number64 as a JS number, for sizes and offsets: refuses values above 2^53-1, which no message
   * or quota reaches.
   */
  safeNumber64(): number {
    const start = this.p;
    const n = this.number64();
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.p = start;
      throw this.error('Number too large');
    }
    return Number(n);
  }

  // ---- lists ----

  /**
   * A parenthesised, SP-separated list: "(" item *(SP item) ")". Empty lists are refused unless
   * `allowEmpty`.
   */
  list<T>(item: (c: Cursor) => T, options: { allowEmpty?: boolean } = {}): T[] {
    this.require('(');
    const out: T[] = [];
    if (this.skip(')')) {
      if (!options.allowEmpty) throw this.error('Empty list');
      return out;
    }
    for (;;) {
      out.push(item(this));
      if (this.skip(')')) return out;
      if (this.peek() !== SP) throw this.expected('SP or ")"');
      this.p++;
    }
  }

  // ---- flags ----

  /**
   * RFC 3501 `flag`: a system flag (normalised to its canonical spelling, e.g. "\seen" → "\Seen")
   * or a keyword (as written). \Recent and unknown system flags cannot be stored, so they are
   * refused here.
   */
  flag(): string {
    if (this.peek() === BACKSLASH) {
      this.p++;
      const start = this.p;
      const name = this.atom();
      const system = SYSTEM_FLAGS.get(name.toLowerCase());
      if (system === undefined) {
        this.p = start - 1;
        throw this.error(`Unknown system flag \\${name.slice(0, 30)}`);
      }
      return system;
    }
    const b = this.peek();
    if (b === -1 || ATOM_CHAR[b] === 0) throw this.expected('a flag');
    return this.atom();
  }

  /**
   * RFC 3501 `flag-list`: "(" [flag *(SP flag)] ")". Duplicates (compared case-insensitively, as
   * flags are) are dropped, keeping the first spelling.
   */
  flagList(): string[] {
    return uniqueFlags(this.list((c) => c.flag(), { allowEmpty: true }));
  }

  // ---- mailboxes ----

  /**
   * RFC 3501 `mailbox`, decoded (see decodeMailboxName). `utf8Accept` defaults to the cursor's
   * option.
   */
  mailbox(utf8Accept: boolean = this.utf8Accept): string {
    const start = this.p;
    const bytes = this.astring();
    try {
      return decodeMailboxName(bytes, utf8Accept);
    } catch (e) {
      if (e instanceof InvalidMailboxName) throw new InvalidMailboxName(e.message, start);
      if (e instanceof ParseError) throw new ParseError(e.message, start);
      throw e;
    }
  }

  /**
   * RFC 3501 `list-mailbox`: a LIST/LSUB pattern (1*list-char or a string), decoded like a mailbox
   * name; `%` and `*` are kept as wildcards.
   */
  listMailbox(utf8Accept: boolean = this.utf8Accept): string {
    const start = this.p;
    let bytes: Buffer;
    const b = this.peek();
    if (b === DQUOTE || b === LBRACE) {
      bytes = this.string();
    } else {
      while (this.p < this.input.length && LIST_CHAR[this.input[this.p]] === 1) this.p++;
      if (this.p === start) throw this.expected('a mailbox pattern');
      bytes = this.input.subarray(start, this.p);
    }
    try {
      return decodeMailboxName(bytes, utf8Accept);
    } catch (e) {
      // a pattern that is not valid modified UTF-7 can match no name; taken literally it does not
      if (e instanceof InvalidMailboxName) return bytes.toString('latin1');
      if (e instanceof ParseError) throw new ParseError(e.message, start);
      throw e;
    }
  }

  // ---- dates ----

  /**
   * RFC 3501 `date-time` (APPEND's INTERNALDATE): `"dd-Mon-yyyy hh:mm:ss +zzzz"`. The day may be
   * " 7", "07" or (tolerated) "7"; the month name is matched case-insensitively.
   */
  dateTime(): Date {
    const start = this.p;
    if (this.peek() !== DQUOTE) throw this.expected('a date-time');
    const text = this.quoted().toString('latin1');
    const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
    try {
      if (!m) throw new ParseError('Invalid date-time');
      const date = makeDate(Number(m[1]), m[2], Number(m[3]));
      const hour = Number(m[4]);
      const minute = Number(m[5]);
      const second = Number(m[6]);
      const zoneHours = Number(m[8]);
      const zoneMinutes = Number(m[9]);
      // 60 seconds is a leap second; Date folds it into the next minute
      if (hour > 23 || minute > 59 || second > 60 || zoneHours > 23 || zoneMinutes > 59) {
        throw new ParseError('Invalid time in date-time');
      }
      const local = new Date(0);
      local.setUTCFullYear(date.year, date.month - 1, date.day);
      local.setUTCHours(hour, minute, second, 0);
      const offset = (m[7] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
      return new Date(local.getTime() - offset * 60_000);
    } catch (e) {
      if (e instanceof ParseError) throw new ParseError(e.message, start);
      throw e;
    }
  }

  /** RFC 3501 `date` (SEARCH): `d-Mon-yyyy`, optionally quoted. */
  date(): ImapDate {
    const start = this.p;
    let text: string;
    if (this.peek() === DQUOTE) {
      text = this.quoted().toString('latin1');
    } else {
      while (this.p < this.input.length && KEYWORD_CHAR[this.input[this.p]] === 1) this.p++;
      text = this.input.toString('latin1', start, this.p);
    }
    const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
    try {
      if (!m) throw new ParseError('Invalid date');
      return makeDate(Number(m[1]), m[2], Number(m[3]));
    } catch (e) {
      if (e instanceof ParseError) throw new ParseError(e.message, start);
      throw e;
    }
  }

  // ---- sequence sets, sections, partials ----

  /** RFC 3501 `sequence-set`, or `$` (RFC 5182); `*` stays unresolved (see SequenceSetSpec). */
  sequenceSet(): SequenceSetSpec {
    const start = this.p;
    while (this.p < this.input.length && SEQUENCE_CHAR[this.input[this.p]] === 1) this.p++;
    if (this.p === start) throw this.expected('a sequence set');
    try {
      return parseSequenceSet(this.input.toString('latin1', start, this.p));
    } catch (e) {
      if (e instanceof ParseError) throw new ParseError(e.message, start);
      throw e;
    }
  }

  /**
   * RFC 3501 `section`: "[" [section-spec] "]", e.g. [], [1.2], [HEADER.FIELDS (From To)], [2.MIME].
   */
  section(): Section {
    this.require('[');
    const part: number[] = [];
    let text: SectionText | null = null;
    const fields: string[] = [];
    if (!this.skip(']')) {
      for (;;) {
        if (this.peekDigit()) {
          part.push(this.nzNumber());
          if (this.skip('.')) continue;
          break;
        }
        const start = this.p;
        const word = this.keywordToken();
        if (word === 'HEADER' || word === 'TEXT') {
          text = word;
        } else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
          text = word;
          this.space();
          fields.push(...this.list((c) => c.headerFieldName()));
        } else if (word === 'MIME' && part.length > 0) {
          text = word;
        } else {
          this.p = start;
          throw this.error(word === 'MIME' ? 'MIME needs a part number' : 'Invalid section');
        }
        break;
      }
      this.require(']');
    }
    return { part, text, fields };
  }

  /** RFC 3516 `section-binary`: "[" [section-part] "]" — part numbers only. */
  sectionPart(): number[] {
    this.require('[');
    const part: number[] = [];
    if (this.skip(']')) return part;
    for (;;) {
      part.push(this.nzNumber());
      if (!this.skip('.')) break;
    }
    this.require(']');
    return part;
  }

  /**
   * RFC 3501 `header-fld-name` (an astring) checked against RFC 5322 `field-name`: printable ASCII
   * except ":".
   */
  headerFieldName(): string {
    const start = this.p;
    const bytes = this.astring();
    if (bytes.length === 0) throw new ParseError('Empty header field name', start);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b < 0x21 || b > 0x7e || b === 0x3a) throw new ParseError('Invalid header field name', start);
    }
    return bytes.toString('latin1');
  }

  /** RFC 3501/9051 `partial` — "<" number64 "." nz-number64 ">" — if next; otherwise null. */
  partial(): ByteRange | null {
    if (!this.skip('<')) return null;
    const offset = this.safeNumber64();
    this.require('.');
    if (this.peek() === 0x30) throw this.error('Partial length must not be zero');
    const length = this.safeNumber64();
    this.require('>');
    return { offset, length };
  }
}

/** Drops duplicate flags (case-insensitively), keeping the first spelling and the order. */
export function uniqueFlags(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of flags) {
    const k = f.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(f);
    }
  }
  return out;
}

/** Checks that `text` is an RFC 3501 atom (e.g. a keyword from the database before it is sent). */
export function isAtom(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || ATOM_CHAR[c] === 0) return false;
  }
  return true;
}

/** True if the byte may appear in an astring without quoting. */
export function isAstringChar(byte: number): boolean {
  return ASTRING_CHAR[byte] === 1;
}
