// MIME parameterised header fields: Content-Type and Content-Disposition (RFC 2045 §5.1,
// RFC 2183), with RFC 2231 parameter continuations and charsets. Input is the unfolded field
// value with one character per byte (latin1), so a boundary keeps its exact bytes; text meant
// for people is converted afterwards.

import { bytesToText, hexDigit } from './bytes.ts';
import { decodeCharset } from './charset.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import type { Problems } from './problems.ts';
import { quoteForProblem } from './problems.ts';

/** One parameter as BODYSTRUCTURE reports it: continuations merged, RFC 2231 encoding kept. */
export interface Param {
  name: string;
  value: string;
}

export interface Parameterized {
  /** the value before the parameters, e.g. "text/plain" or "attachment", as written */
  value: string;
  /** parameters in order; an RFC 2231 parameter is one "name*" entry with its encoded value */
  params: Param[];
  /** lower-case parameter name (without "*") → fully decoded value; the first one wins */
  decoded: Map<string, string>;
  /** lower-case parameter name → value with its exact bytes (latin1), for boundaries */
  exact: Map<string, string>;
}

export interface ContentType extends Parameterized {
  /** lower case */
  type: string;
  /** lower case */
  subtype: string;
}

const MAX_PARAMS = 100;

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i];
  }

  /** Skips whitespace and (nested) comments. */
  skipCfws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        this.i++;
      } else if (c === 0x28) {
        let depth = 0;
        while (this.i < s.length) {
          const d = s[this.i++];
          if (d === '\\') this.i++;
          else if (d === '(') depth++;
          else if (d === ')' && --depth === 0) break;
        }
      } else {
        break;
      }
    }
  }

  /** A run of characters up to whitespace or one of `stops`. */
  token(stops: string): string {
    const start = this.i;
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c <= 0x20 || c === 0x7f || stops.includes(s[this.i])) break;
      this.i++;
    }
    return s.slice(start, this.i);
  }

  /** A quoted string starting at the current '"'; an unclosed one runs to the end. */
  quoted(): string {
    const s = this.s;
    this.i++;
    let out = '';
    let run = this.i;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '"') {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c === '\\' && this.i + 1 < s.length) {
        out += s.slice(run, this.i);
        run = this.i + 1;
        this.i += 2;
        continue;
      }
      this.i++;
    }
    return out + s.slice(run);
  }
}

interface RawParam {
  name: string;
  value: string;
}

/** Splits `value; a=b; c="d"` leniently: missing semicolons and junk between parameters are skipped. */
function scanParams(sc: Scanner, problems: Problems): RawParam[] {
  const out: RawParam[] = [];
  let junk = false;
  while (true) {
    sc.skipCfws();
    if (sc.done) break;
    if (sc.peek() === ';') {
      sc.i++;
      continue;
    }
    const name = sc.token(';="(');
    if (name === '') {
      if (sc.peek() === '"') sc.quoted();
      else sc.i++;
      junk = true;
      continue;
    }
    sc.skipCfws();
    if (sc.peek() !== '=') {
      junk = true;
      continue;
    }
    sc.i++;
    sc.skipCfws();
    const value = sc.peek() === '"' ? sc.quoted() : sc.token(';(');
    if (out.length < MAX_PARAMS) out.push({ name, value });
  }
  if (junk) problems.add('junk among MIME parameters');
  return out;
}

// RFC 2231 attribute-char: what may stand unencoded in an extended value.
function isAttributeChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    '!#$&+-.^_`|~'.includes(String.fromCharCode(c));
}

function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) & 0xff;
    out += isAttributeChar(c) ? text[i] : '%' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function percentDecode(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const h = c === 0x25 ? hexDigit(text.charCodeAt(i + 1)) : -1;
    const l = h >= 0 ? hexDigit(text.charCodeAt(i + 2)) : -1;
    if (l >= 0) {
      bytes[n++] = h * 16 + l;
      i += 2;
      continue;
    }
    bytes[n++] = c & 0xff;
  }
  return bytes.subarray(0, n);
}

interface Segment {
  index: number;
  encoded: boolean;
  value: string;
}

/** Merges RFC 2231 continuations (`name*0*=`, `name*1=`…) and decodes every value. */
function mergeParams(raw: RawParam[], problems: Problems): Omit<Parameterized, 'value'> {
  // Group by base name, keeping the order of first appearance.
  const groups = new Map<string, { base: string; segments: Segment[]; extended: boolean }>();
  const order: Array<{ key: string } | RawParam> = [];
  for (const p of raw) {
    let name = p.name;
    let encoded = false;
    if (name.endsWith('*')) {
      encoded = true;
      name = name.slice(0, -1);
    }
    let index = -1;
    const star = name.lastIndexOf('*');
    if (star > 0 && /^[0-9]{1,3}$/.test(name.slice(star + 1))) {
      index = Number(name.slice(star + 1));
      name = name.slice(0, star);
    }
    if (!encoded && index === -1) {
      order.push(p);
      continue;
    }
    const key = name.toLowerCase();
    let g = groups.get(key);
    if (g === undefined) {
      g = { base: name, segments: [], extended: true };
      groups.set(key, g);
      order.push({ key });
    }
    g.segments.push({ index: index === -1 ? 0 : index, encoded, value: p.value });
  }

  const params: Param[] = [];
  const decoded = new Map<string, string>();
  const exact = new Map<string, string>();
  const plainDecoded = new Map<string, string>();
  for (const item of order) {
    if ('name' in item) {
      const key = item.name.toLowerCase();
      params.push({ name: item.name, value: bytesToText(Buffer.from(item.value, 'latin1')) });
      if (!exact.has(key)) exact.set(key, item.value);
      if (!plainDecoded.has(key)) {
        plainDecoded.set(key, decodeEncodedWords(bytesToText(Buffer.from(item.value, 'latin1')), problems));
      }
      continue;
    }
    const g = groups.get(item.key);
    if (g === undefined) continue;
    const segments = g.segments.sort((a, b) => a.index - b.index);
    const anyEncoded = segments.some((s) => s.encoded);
    let charset = '';
    const bytes: Buffer[] = [];
    let wire = '';
    segments.forEach((seg, n) => {
      let value = seg.value;
      if (seg.encoded && n === 0) {
        // charset'language'value; a missing part is tolerated.
        const q1 = value.indexOf("'");
        const q2 = q1 === -1 ? -1 : value.indexOf("'", q1 + 1);
        if (q2 !== -1) {
          charset = value.slice(0, q1);
          wire += value.slice(0, q2 + 1);
          value = value.slice(q2 + 1);
        } else {
          wire += "''";
        }
      } else if (anyEncoded && n === 0) {
        wire += "''";
      }
      if (seg.encoded) {
        wire += value;
        bytes.push(percentDecode(value));
      } else {
        wire += anyEncoded ? percentEncode(value) : value;
        bytes.push(Buffer.from(value, 'latin1'));
      }
    });
    params.push({ name: anyEncoded ? g.base + '*' : g.base, value: bytesToText(Buffer.from(wire, 'latin1')) });
    const all = Buffer.concat(bytes);
    const text = decodeCharset(all, charset === '' ? null : charset);
    if (!text.known) problems.add(`unknown charset ${quoteForProblem(charset)} in MIME parameter`);
    if (!decoded.has(item.key)) decoded.set(item.key, text.text);
    if (!exact.has(item.key)) exact.set(item.key, all.toString('latin1'));
  }
  // An RFC 2231 value wins over a plain one of the same name (senders add the plain one for
  // old clients, often transliterated).
  for (const [key, value] of plainDecoded) if (!decoded.has(key)) decoded.set(key, value);
  return { params, decoded, exact };
}

/** Parses a Content-Disposition-like value: one token, then parameters. */
export function parseParameterized(binaryText: string, problems: Problems): Parameterized {
  const sc = new Scanner(binaryText);
  sc.skipCfws();
  const value = sc.peek() === '"' ? sc.quoted() : sc.token(';("');
  return { value, ...mergeParams(scanParams(sc, problems), problems) };
}

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/**
 * Parses a Content-Type value. Returns null when it is syntactically hopeless, in which case
 * RFC 2045 §5.2 says to treat the part as text/plain; charset=us-ascii.
 */
export function parseContentType(binaryText: string, problems: Problems): ContentType | null {
  const sc = new Scanner(binaryText);
  sc.skipCfws();
  const type = sc.token(';/="(').toLowerCase();
  sc.skipCfws();
  let subtype = '';
  if (sc.peek() === '/') {
    sc.i++;
    sc.skipCfws();
    subtype = sc.token(';/="(').toLowerCase();
    // "text/plain/html" and similar: skip the junk glued to the subtype.
    sc.token(';(');
  }
  const rest = mergeParams(scanParams(sc, problems), problems);
  if (!TOKEN.test(type)) return null;
  if (subtype === '' || !TOKEN.test(subtype)) {
    // A bare "text" is common enough (and harmless) to accept as text/plain.
    if (type !== 'text') return null;
    subtype = 'plain';
  }
  return { type, subtype, value: `${type}/${subtype}`, ...rest };
}
