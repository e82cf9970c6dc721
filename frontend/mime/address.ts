// Address lists (RFC 5322 §3.4, with the obsolete syntax of §4.4 and the junk real mail adds).
// One tokenizer and a forgiving state machine produce mailboxes and group markers; ENVELOPE
// takes the raw names, the parsed view decodes them. Nothing here backtracks: each token is
// looked at a bounded number of times.

import { decodeEncodedWords } from './encoded-words.ts';
import type { Problems } from './problems.ts';
import type { Address } from './types.ts';

export type AddressItem =
  | { kind: 'mailbox'; name: string | null; route: string | null; localpart: string; domain: string }
  | { kind: 'group'; name: string }
  | { kind: 'end' };

type TokenKind = 'atom' | 'quoted' | 'literal' | 'comment' | 'special';

interface Token {
  kind: TokenKind;
  /** for quoted strings and comments: the content unescaped; otherwise as written */
  text: string;
  /** as written (quoted strings keep their quotes) */
  raw: string;
  /** whether whitespace or a comment came before it */
  spaced: boolean;
}

const SPECIALS = '<>@,;:.';
// A header with more addresses than this is hostile; the rest is ignored.
const MAX_ITEMS = 5000;

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Reads a quoted string or a (nested) comment opening at `s[i]`; returns its unescaped content and
 * the index after it. An unclosed one runs to the end of the field.
 */
function delimited(s: string, i: number, close: '"' | ')'): [string, number, boolean] {
  let depth = 1;
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\' && j + 1 < s.length) {
      out += s[j + 1];
      j += 2;
      continue;
    }
    if (close === ')' && c === '(') depth++;
    if (c === close && --depth === 0) return [out, j + 1, true];
    out += c;
    j++;
  }
  return [out, j, false];
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < s.length) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (isWhite(code)) {
      spaced = true;
      i++;
    } else if (c === '(') {
      const [text, end] = delimited(s, i, ')');
      out.push({ kind: 'comment', text, raw: s.slice(i, end), spaced });
      spaced = true;
      i = end;
    } else if (c === '"') {
      const [text, end, closed] = delimited(s, i, '"');
      if (closed) {
        out.push({ kind: 'quoted', text, raw: s.slice(i, end), spaced });
        i = end;
      } else {
        // An unclosed quote would swallow the rest of the field; take it as a stray character.
        out.push({ kind: 'atom', text: c, raw: c, spaced });
        i++;
      }
      spaced = false;
    } else if (c === '[') {
      let end = s.indexOf(']', i);
      end = end === -1 ? s.length : end + 1;
      out.push({ kind: 'literal', text: s.slice(i, end), raw: s.slice(i, end), spaced });
      spaced = false;
      i = end;
    } else if (SPECIALS.includes(c)) {
      out.push({ kind: 'special', text: c, raw: c, spaced });
      spaced = false;
      i++;
    } else {
      let end = i + 1;
      while (end < s.length) {
        const d = s[end];
        if (isWhite(s.charCodeAt(end)) || d === '(' || d === '"' || d === '[' || SPECIALS.includes(d)) break;
        end++;
      }
      out.push({ kind: 'atom', text: s.slice(i, end), raw: s.slice(i, end), spaced });
      spaced = false;
      i = end;
    }
  }
  return out;
}

function isSpecial(t: Token | undefined, chars: string): boolean {
  return t !== undefined && t.kind === 'special' && chars.includes(t.text);
}

/** A phrase as text: words joined by single spaces where the sender had whitespace. */
function phraseText(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (out !== '' && t.spaced) out += ' ';
    out += t.text;
  }
  return out;
}

/** Tokens as written, without the whitespace between them (local parts, domains, routes). */
function rawText(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) out += t.raw;
  return out;
}

class Parser {
  i = 0;
  items: AddressItem[] = [];
  junk = false;
  inGroup = false;
  constructor(readonly t: Token[]) {}

  push(item: AddressItem): void {
    if (this.items.length < MAX_ITEMS) this.items.push(item);
  }

  run(): void {
    const t = this.t;
    while (this.i < t.length) {
      const tok = t[this.i];
      if (isSpecial(tok, ',')) {
        this.i++;
      } else if (isSpecial(tok, ';')) {
        // Outlook uses ";" between addresses; only inside a group does it end something.
        if (this.inGroup) this.push({ kind: 'end' });
        this.inGroup = false;
        this.i++;
      } else if (isSpecial(tok, '>')) {
        this.junk = true;
        this.i++;
      } else {
        this.address();
      }
    }
    if (this.inGroup) this.push({ kind: 'end' });
  }

  /** One mailbox or the start of a group. */
  address(): void {
    const t = this.t;
    const phrase: Token[] = [];
    let comment: string | null = null;
    while (this.i < t.length && !isSpecial(t[this.i], '<>@,;:')) {
      const tok = t[this.i++];
      if (tok.kind === 'comment') comment = tok.text;
      else phrase.push(tok);
    }
    const next = t[this.i];
    if (isSpecial(next, ':')) {
      this.i++;
      if (this.inGroup) {
        // Groups do not nest; keep the members, drop the inner name.
        this.junk = true;
        return;
      }
      this.push({ kind: 'group', name: phraseText(phrase) });
      this.inGroup = true;
      return;
    }
    if (isSpecial(next, '<')) {
      this.i++;
      this.angle(phrase.length > 0 ? phraseText(phrase) : comment);
      return;
    }
    if (isSpecial(next, '@')) {
      this.i++;
      const domain = this.domain();
      const after = t[this.i];
      if (isSpecial(after, '<')) {
        // "joe@example.com <joe@example.com>": the first one was meant as a display name.
        this.i++;
        this.angle(rawText(phrase) + '@' + domain);
        return;
      }
      const trailing = this.trailingComment();
      this.push({ kind: 'mailbox', name: trailing ?? comment, route: null, localpart: rawText(phrase), domain });
      return;
    }
    // No "@": a bare local name ("root"), or junk.
    if (phrase.length > 0 && phraseText(phrase) !== '') {
      if (phrase.length > 1 && phrase.some((p, n) => n > 0 && p.spaced)) this.junk = true;
      this.push({ kind: 'mailbox', name: comment, route: null, localpart: rawText(phrase), domain: '' });
    } else if (comment === null && next !== undefined && !isSpecial(next, ',;')) {
      this.junk = true;
      this.i++;
    }
  }

  /** Domain tokens after "@"; stops where whitespace separates two words (a missing comma). */
  domain(): string {
    const t = this.t;
    const parts: Token[] = [];
    while (this.i < t.length) {
      const tok = t[this.i];
      if (tok.kind === 'comment') {
        if (parts.length === 0) { this.i++; continue; }
        break;
      }
      if (tok.kind === 'special' && tok.text !== '.') break;
      const prev = parts[parts.length - 1];
      if (prev !== undefined && tok.spaced && tok.text !== '.' && prev.text !== '.') break;
      parts.push(tok);
      this.i++;
    }
    return rawText(parts);
  }

  /** A comment right after an addr-spec ("joe@example.com (Joe)") names the mailbox. */
  trailingComment(): string | null {
    let name: string | null = null;
    while (this.i < this.t.length && this.t[this.i].kind === 'comment') name = this.t[this.i++].text;
    return name;
  }

  /** After "<": [route ":"] addr-spec ">". */
  angle(name: string | null): void {
    const t = this.t;
    let route: string | null = null;
    if (isSpecial(t[this.i], '@')) {
      // A source route is short; bounding the look-ahead keeps "<@<@<@…" linear.
      const start = this.i;
      const limit = Math.min(t.length, start + 64);
      while (this.i < limit && !isSpecial(t[this.i], ':<>;')) this.i++;
      if (isSpecial(t[this.i], ':')) {
        route = rawText(t.slice(start, this.i).filter((x) => x.kind !== 'comment'));
        this.i++;
      } else {
        this.i = start;
      }
    }
    const local: Token[] = [];
    while (this.i < t.length && !isSpecial(t[this.i], '@>,;<')) {
      const tok = t[this.i++];
      if (tok.kind !== 'comment') local.push(tok);
    }
    let domain = '';
    if (isSpecial(t[this.i], '@')) {
      this.i++;
      const parts: Token[] = [];
      while (this.i < t.length && !isSpecial(t[this.i], '>,;<')) {
        const tok = t[this.i++];
        if (tok.kind === 'special' && tok.text === '@') {
          // "<a@b@c>": keep everything, it is still the best guess.
          this.junk = true;
        }
        if (tok.kind !== 'comment') parts.push(tok);
      }
      domain = rawText(parts);
    }
    if (isSpecial(t[this.i], '>')) this.i++;
    else this.junk = true;
    // Anything up to the next separator is junk, except a comment naming an unnamed mailbox.
    while (this.i < t.length && !isSpecial(t[this.i], ',;')) {
      const tok = t[this.i++];
      if (tok.kind === 'comment') {
        if (name === null) name = tok.text;
      } else {
        this.junk = true;
      }
    }
    const localpart = rawText(local);
    // "<>" (the null reverse-path) names no mailbox.
    if (localpart === '' && domain === '' && route === null && (name === null || name === '')) return;
    this.push({ kind: 'mailbox', name: name === '' ? null : name, route, localpart, domain });
  }
}

/** Parses an address-list header value (unfolded, not RFC 2047-decoded). */
export function parseAddressList(text: string, problems: Problems): AddressItem[] {
  const parser = new Parser(tokenize(text));
  parser.run();
  if (parser.junk) problems.add('unparsable junk in an address field');
  return parser.items;
}

/** The mailboxes of a list (group markers dropped), names decoded for display and search. */
export function decodedAddresses(items: AddressItem[], problems: Problems): Address[] {
  const out: Address[] = [];
  for (const item of items) {
    if (item.kind !== 'mailbox') continue;
    out.push({
      name: item.name === null ? null : decodeEncodedWords(item.name, problems),
      localpart: item.localpart,
      domain: item.domain,
    });
  }
  return out;
}
