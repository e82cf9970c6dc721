// Splits a header block (RFC 5322 §2.2) into fields, as byte offsets into the raw message. Field
// values are turned into strings only when somebody asks for them.

import { CR, HTAB, LF, SP, bytesToText } from './bytes.ts';
import type { Problems } from './problems.ts';

/** A header field as offsets into the raw message. */
export interface HeaderField {
  /** the name as written */
  name: string;
  /** the name lower-cased, for lookups */
  key: string;
  /** first byte of the line holding the name */
  start: number;
  /** first byte after the colon */
  valueStart: number;
  /** end of the value, before the EOL of the field's last line */
  end: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** offset just after the blank line ending the block (or where the block stopped) */
  bodyStart: number;
  /**
   * offset of the boundary delimiter line that ended the block early (a MIME part without the
   * blank line after its header), or -1
   */
  stoppedAt: number;
}

// A million header lines is possible in a hostile message; the fields we keep are capped, the
// block's extent is still found.
const MAX_FIELDS = 10000;

/**
 * Reads the header block starting at `start`. It ends at the first empty line, at the end of
 * the message, or (inside a multipart) at a boundary delimiter line, which `isDelimiter` reports:
 * then the EOL before the delimiter belongs to the delimiter, as for any part.
 */
export function parseHeaderBlock(
  raw: Buffer,
  start: number,
  isDelimiter: ((lineStart: number) => boolean) | null,
  problems: Problems,
): HeaderBlock {
  const fields: HeaderField[] = [];
  const finish = (f: HeaderField[], bodyStart: number, stoppedAt: number): HeaderBlock => {
    if (badLines > 0) problems.add('header lines without a field name');
    if (tooMany) problems.add(`more than ${MAX_FIELDS} header fields; the rest are ignored`);
    return { fields: f, bodyStart, stoppedAt };
  };
  const limit = raw.length;
  let current: HeaderField | null = null;
  let pos = start;
  let badLines = 0;
  let tooMany = false;
  let prevEol = 0;
  while (pos < limit) {
    const lf = raw.indexOf(LF, pos);
    const lineEnd = lf === -1 ? limit : lf + 1;
    const contentEnd = lf === -1 ? limit : lf > pos && raw[lf - 1] === CR ? lf - 1 : lf;
    if (contentEnd === pos && lf !== -1) {
      return finish(fields, lineEnd, -1);
    }
    const first = raw[pos];
    if (first === 0x2d && raw[pos + 1] === 0x2d && isDelimiter !== null && isDelimiter(pos)) {
      return finish(fields, Math.max(start, pos - prevEol), pos);
    }
    if (first === SP || first === HTAB) {
      // A continuation line; one with no field before it is junk.
      if (current !== null) current.end = contentEnd;
      else if (!tooMany) badLines++;
    } else {
      let i = pos;
      while (i < contentEnd) {
        const c = raw[i];
        if (c <= 0x20 || c >= 0x7f || c === 0x3a) break;
        i++;
      }
      const nameEnd = i;
      while (i < contentEnd && (raw[i] === SP || raw[i] === HTAB)) i++;
      if (nameEnd > pos && i < contentEnd && raw[i] === 0x3a) {
        if (fields.length < MAX_FIELDS) {
          const name = raw.toString('latin1', pos, nameEnd);
          current = { name, key: name.toLowerCase(), start: pos, valueStart: i + 1, end: contentEnd };
          fields.push(current);
        } else {
          current = null;
          tooMany = true;
        }
      } else {
        // Not a field: junk such as an mbox "From " line. Its continuation lines are junk too.
        current = null;
        badLines++;
      }
    }
    prevEol = lineEnd - contentEnd;
    pos = lineEnd;
  }
  return finish(fields, limit, -1);
}

/** The first field called `key` (lower case), or null. */
export function findField(block: HeaderBlock, key: string): HeaderField | null {
  for (const f of block.fields) if (f.key === key) return f;
  return null;
}

/**
 * The field's value unfolded (RFC 5322 §2.2.3: CRLFs removed, the whitespace after them kept),
 * trimmed, with 8-bit bytes read as UTF-8 or windows-1252. No RFC 2047 decoding: this is the
 * "raw" text ENVELOPE and BODYSTRUCTURE report.
 */
export function fieldText(raw: Buffer, field: HeaderField): string {
  return unfold(bytesToText(raw, field.valueStart, field.end));
}

/** The value with each byte as one character (latin1), for parsers that need exact bytes. */
export function fieldBinaryText(raw: Buffer, field: HeaderField): string {
  return unfold(raw.toString('latin1', field.valueStart, field.end));
}

function unfold(text: string): string {
  const unfolded = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]+/g, '') : text;
  return trimWhite(unfolded);
}

/** Trims SP, HTAB, CR and LF only (String.trim would also eat U+00A0 and friends). */
export function trimWhite(text: string): string {
  let s = 0;
  let e = text.length;
  while (s < e && isWhite(text.charCodeAt(s))) s++;
  while (e > s && isWhite(text.charCodeAt(e - 1))) e--;
  return s === 0 && e === text.length ? text : text.slice(s, e);
}

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
