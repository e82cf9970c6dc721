// FETCH arguments after the sequence set: the fetch-att list or a macro, and the fetch modifiers.
//
//   fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
//           "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]             (RFC 3501, 4466)
//   fetch-att: ENVELOPE FLAGS INTERNALDATE RFC822[.HEADER/.SIZE/.TEXT] BODY[STRUCTURE] UID
//              BODY[.PEEK]section[partial]                                   (RFC 3501)
//              BINARY[.PEEK]section-binary[partial] BINARY.SIZE section-binary (RFC 3516)
//              MODSEQ (RFC 7162) EMAILID THREADID (RFC 8474) SAVEDATE (RFC 8514)
//   fetch-modifier = "CHANGEDSINCE" SP mod-sequence-value / "VANISHED"      (RFC 7162)
//                  / "PARTIAL" SP partial-range                             (RFC 9394)

import { Cursor, ParseError } from '../parser.ts';
import type { FetchAttribute, FetchRequest, PartialRange, Section, SimpleFetchType } from '../types.ts';
import { parsePartialRange } from './search-program.ts';

const SIMPLE: ReadonlyMap<string, SimpleFetchType> = new Map<string, SimpleFetchType>([
  ['ENVELOPE', 'envelope'],
  ['FLAGS', 'flags'],
  ['INTERNALDATE', 'internaldate'],
  ['RFC822', 'rfc822'],
  ['RFC822.HEADER', 'rfc822.header'],
  ['RFC822.SIZE', 'rfc822.size'],
  ['RFC822.TEXT', 'rfc822.text'],
  ['BODYSTRUCTURE', 'bodystructure'],
  ['UID', 'uid'],
  ['MODSEQ', 'modseq'],
  ['EMAILID', 'emailid'],
  ['THREADID', 'threadid'],
  ['SAVEDATE', 'savedate'],
]);

const FAST: FetchAttribute[] = [{ type: 'flags' }, { type: 'internaldate' }, { type: 'rfc822.size' }];
const MACROS: ReadonlyMap<string, readonly FetchAttribute[]> = new Map([
  ['FAST', FAST],
  ['ALL', [...FAST, { type: 'envelope' }]],
  ['FULL', [...FAST, { type: 'envelope' }, { type: 'body' }]],
]);

/** One fetch-att. */
export function parseFetchAttribute(c: Cursor): FetchAttribute {
  const start = c.position;
  const name = c.keywordToken();
  const simple = SIMPLE.get(name);
  if (simple !== undefined) return { type: simple };
  switch (name) {
    case 'BODY':
      if (c.peekChar() !== '[') return { type: 'body' };
      return { type: 'section', peek: false, section: c.section(), partial: c.partial() };
    case 'BODY.PEEK':
      return { type: 'section', peek: true, section: c.section(), partial: c.partial() };
    case 'BINARY':
    case 'BINARY.PEEK':
      return { type: 'binary', peek: name === 'BINARY.PEEK', part: c.sectionPart(), partial: c.partial() };
    case 'BINARY.SIZE':
      return { type: 'binary.size', part: c.sectionPart() };
    default:
      throw new ParseError(
        MACROS.has(name) ? `${name} cannot be used in a list` : `Unknown fetch attribute ${name.slice(0, 30)}`,
        start,
      );
  }
}

/** The fetch-att list, a single fetch-att, or a macro (ALL, FAST, FULL), expanded and deduplicated. */
export function parseFetchAttributes(c: Cursor): FetchAttribute[] {
  if (c.peekChar() === '(') return unique(c.list(parseFetchAttribute));
  for (const [macro, attributes] of MACROS) {
    if (c.tryKeyword(macro)) return attributes.map((a) => ({ ...a }));
  }
  return [parseFetchAttribute(c)];
}

/**
 * Optional fetch modifiers: [SP "(" fetch-modifier *(SP fetch-modifier) ")"]. VANISHED without
 * CHANGEDSINCE is a BAD (RFC 7162 §3.2.6); whether VANISHED is allowed at all (UID FETCH, QRESYNC
 * enabled) is for the command to check.
 */
export function parseFetchModifiers(c: Cursor): Omit<FetchRequest, 'attributes'> {
  let changedSince: bigint | null = null;
  let vanished = false;
  let partial: PartialRange | null = null;
  // trailing spaces are the caller's end()'s business
  if (c.peekChar() !== ' ' || isBlank(c.rest())) return { changedSince, vanished, partial };
  const save = c.position;
  c.space();
  if (c.peekChar() !== '(') throw c.expected('fetch modifiers');
  c.list((cur) => {
    const start = cur.position;
    const name = cur.keywordToken();
    if (name === 'CHANGEDSINCE' && changedSince === null) {
      cur.space();
      changedSince = cur.nzNumber64();
    } else if (name === 'VANISHED' && !vanished) {
      vanished = true;
    } else if (name === 'PARTIAL' && partial === null) {
      // RFC 9394 §3.3: the same partial-range as the PARTIAL search return option
      cur.space();
      partial = parsePartialRange(cur);
    } else {
      throw new ParseError(
        name === 'CHANGEDSINCE' || name === 'VANISHED' || name === 'PARTIAL'
          ? `Duplicate ${name}` : `Unknown fetch modifier ${name.slice(0, 30)}`,
        start,
      );
    }
  });
  if (vanished && changedSince === null) throw new ParseError('VANISHED requires CHANGEDSINCE', save);
  return { changedSince, vanished, partial };
}

/** Everything after "FETCH sequence-set SP"; the caller still calls end(). */
export function parseFetch(c: Cursor): FetchRequest {
  const attributes = parseFetchAttributes(c);
  return { attributes, ...parseFetchModifiers(c) };
}

function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0x20) return false;
  return true;
}

function unique(attributes: FetchAttribute[]): FetchAttribute[] {
  const seen = new Set<string>();
  return attributes.filter((a) => {
    const key = JSON.stringify(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A header field name as it appears in a section label: an atom if it can be one, else quoted. */
function formatFieldName(name: string): string {
  if (/^[!#$&'+,\-./0-9;<=>?@A-Z^_`a-z|~[]+$/.test(name)) return name;
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/** The section-spec between the brackets, e.g. "1.2.HEADER.FIELDS (From To)". */
export function formatSection(section: Section): string {
  let s = section.part.join('.');
  if (section.text !== null) {
    if (s.length > 0) s += '.';
    s += section.text;
    if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
      s += ` (${section.fields.map(formatFieldName).join(' ')})`;
    }
  }
  return s;
}

/**
 * The name an attribute's data has in the FETCH response (RFC 3501 §7.4.2): BODY.PEEK[x] is
 * answered as BODY[x], and a partial shows only its origin, BODY[]<0>.
 */
export function fetchItemLabel(a: FetchAttribute): string {
  switch (a.type) {
    case 'section':
      return `BODY[${formatSection(a.section)}]${a.partial ? `<${a.partial.offset}>` : ''}`;
    case 'binary':
      return `BINARY[${a.part.join('.')}]${a.partial ? `<${a.partial.offset}>` : ''}`;
    case 'binary.size':
      return `BINARY.SIZE[${a.part.join('.')}]`;
    default:
      return a.type.toUpperCase();
  }
}

/** True if fetching these sets \Seen (RFC 3501 §6.4.5): BODY[…], BINARY[…], RFC822, RFC822.TEXT. */
export function fetchSetsSeen(attributes: readonly FetchAttribute[]): boolean {
  return attributes.some(
    (a) =>
      a.type === 'rfc822' ||
      a.type === 'rfc822.text' ||
      ((a.type === 'section' || a.type === 'binary') && !a.peek),
  );
}

/** True if any attribute needs the stored message bytes (not only precomputed metadata). */
export function fetchNeedsMessageBytes(attributes: readonly FetchAttribute[]): boolean {
  return attributes.some(
    (a) =>
      a.type === 'rfc822' ||
      a.type === 'rfc822.header' ||
      a.type === 'rfc822.text' ||
      a.type === 'section' ||
      a.type === 'binary' ||
      a.type === 'binary.size',
  );
}
