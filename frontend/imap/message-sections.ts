// BODY[section] and BINARY[part] as slices of the stored message (RFC 3501 §6.4.5, RFC 3516).
// The MIME parser recorded the byte offsets of every part when the message arrived
// (frontend/mime PartInfo), so a section is a subarray of the original bytes, never a rebuilt
// text; only HEADER.FIELDS picks lines out of a header block, keeping their bytes as they are.
import { decodeTransfer } from '../mime/transfer.ts';
import type { PartInfo } from '../mime/types.ts';
import type { Section } from './types.ts';

export interface StoredBytes {
  /** the whole message, when fetched */
  raw: Buffer | null;
  /** the top-level header block including its blank line */
  header: Buffer | null;
  /** the bytes after the top-level header block */
  text: Buffer | null;
  parts: PartInfo[] | null;
}

const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

function findPart(m: StoredBytes, part: number[]): PartInfo | null {
  const name = part.join('.');
  return m.parts?.find((p) => p.section === name) ?? null;
}

function topHeader(m: StoredBytes): Buffer {
  if (m.header) return m.header;
  if (m.raw && m.parts?.[0]) return m.raw.subarray(0, m.parts[0].bodyStart);
  return EMPTY;
}

function topText(m: StoredBytes): Buffer {
  if (m.text) return m.text;
  if (m.raw && m.parts?.[0]) return m.raw.subarray(m.parts[0].bodyStart);
  return EMPTY;
}

/**
 * The header fields of a header block whose names are (or, with `exclude`, are not) in `names`,
 * in their original order and bytes, followed by the blank line (RFC 3501 §6.4.5).
 */
export function filterHeaderFields(header: Buffer, names: readonly string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const keep: Buffer[] = [];
  let i = 0;
  let fieldStart = -1;
  let fieldName = '';
  const flush = (end: number) => {
    if (fieldStart >= 0 && wanted.has(fieldName) !== exclude) keep.push(header.subarray(fieldStart, end));
    fieldStart = -1;
  };
  while (i < header.length) {
    let eol = header.indexOf(10, i);
    eol = eol < 0 ? header.length : eol + 1;
    const first = header[i];
    if (first === 0x0d || first === 0x0a) break; // the blank line ending the block
    if (first === 0x20 || first === 0x09) {
      // a continuation line belongs to the field before it
    } else {
      flush(i);
      const colon = header.indexOf(0x3a, i);
      fieldStart = i;
      fieldName = colon >= 0 && colon < eol ? header.toString('latin1', i, colon).trim().toLowerCase() : '';
    }
    i = eol;
  }
  flush(i);
  keep.push(CRLF);
  return Buffer.concat(keep);
}

function applyText(m: StoredBytes, header: Buffer, text: Buffer, section: Section): Buffer {
  switch (section.text) {
    case 'HEADER':
      return header;
    case 'HEADER.FIELDS':
      return filterHeaderFields(header, section.fields, false);
    case 'HEADER.FIELDS.NOT':
      return filterHeaderFields(header, section.fields, true);
    case 'TEXT':
      return text;
    default:
      return m.raw ?? EMPTY;
  }
}

/** The bytes BODY[section] names, or null when there is no such part. */
export function sectionBytes(m: StoredBytes, section: Section): Buffer | null {
  if (section.part.length === 0) {
    if (section.text === null) return m.raw ?? EMPTY;
    return applyText(m, topHeader(m), topText(m), section);
  }
  const p = findPart(m, section.part);
  if (!p || !m.raw) return null;
  const raw = m.raw;
  if (section.text === null) return raw.subarray(p.bodyStart, p.end);
  if (section.text === 'MIME') return raw.subarray(p.start, p.bodyStart);
  // HEADER, HEADER.FIELDS and TEXT of a part apply to an encapsulated message only
  if (p.messageHeaderEnd === undefined) return null;
  return applyText(m, raw.subarray(p.bodyStart, p.messageHeaderEnd), raw.subarray(p.messageHeaderEnd, p.end), section);
}

const KNOWN_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/**
 * BINARY[part]: the part's content with its Content-Transfer-Encoding undone. null when there is
 * no such part (or it is a multipart, which has no content of its own); 'unknown-cte' for an
 * encoding we cannot undo (RFC 3516 §4.2: NO [UNKNOWN-CTE]).
 */
export function binaryBytes(m: StoredBytes, part: number[]): Buffer | null | 'unknown-cte' {
  if (part.length === 0) return m.raw ?? EMPTY;
  const p = findPart(m, part);
  if (!p || !m.raw || p.contentType.startsWith('multipart/')) return null;
  const body = m.raw.subarray(p.bodyStart, p.end);
  if (p.contentType === 'message/rfc822' || p.contentType === 'message/global') return body;
  if (!KNOWN_ENCODINGS.has(p.encoding)) return 'unknown-cte';
  return decodeTransfer(body, p.encoding);
}

/** `<offset.length>` of a partial fetch; past the end is empty (RFC 3501 §6.4.5). */
export function slicePartial(bytes: Buffer, partial: { offset: number; length: number } | null): Buffer {
  if (!partial) return bytes;
  if (partial.offset >= bytes.length) return EMPTY;
  return bytes.subarray(partial.offset, Math.min(bytes.length, partial.offset + partial.length));
}
