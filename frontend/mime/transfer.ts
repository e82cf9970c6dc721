// Content-Transfer-Encoding decoding (RFC 2045 §6), used for text extraction and IMAP BINARY.
// Both decoders are lenient: mail in the wild has truncated base64, base64 with junk between
// lines, lower-case QP hex digits and lone "=" signs. Nothing here throws.

import { hexDigit } from './bytes.ts';

const EQ = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

/** Decodes `body` according to a Content-Transfer-Encoding name; unknown encodings pass through. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      // 7bit, 8bit, binary, and names we do not know (x-uuencode): the bytes are the content.
      return body;
  }
}

/**
 * Node's decoder skips characters outside the alphabet and copes with missing padding, but stops
 * at the first "=". Some mailers concatenate separately encoded chunks, each with its own padding,
 * so decode chunk by chunk when data follows a padding run.
 */
export function decodeBase64(body: Buffer): Buffer {
  const text = body.toString('latin1');
  let eq = text.indexOf('=');
  if (eq === -1) return Buffer.from(text, 'base64');
  const chunks: Buffer[] = [];
  let start = 0;
  while (eq !== -1) {
    let after = eq;
    while (after < text.length && (text.charCodeAt(after) === EQ || isSpace(text.charCodeAt(after)))) after++;
    chunks.push(Buffer.from(text.slice(start, eq), 'base64'));
    start = after;
    eq = text.indexOf('=', after);
  }
  if (start < text.length) chunks.push(Buffer.from(text.slice(start), 'base64'));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === CR || c === LF;
}

/**
 * RFC 2045 §6.7, keeping anything that is not a valid escape as it stands. Rule 3: white space at
 * the end of an encoded line is transport padding and is deleted (an encoded =20 or =09 stays).
 */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  /** where the run of literal blanks at the end of the output started, or -1 */
  let blanks = -1;
  const len = body.length;
  for (let i = 0; i < len; i++) {
    const c = body[i];
    if (c !== EQ) {
      if (c === 0x20 || c === 0x09) {
        if (blanks < 0) blanks = n;
      } else if (c === LF || (c === CR && body[i + 1] === LF)) {
        if (blanks >= 0) n = blanks;
        blanks = -1;
      } else {
        blanks = -1;
      }
      out[n++] = c;
      continue;
    }
    blanks = -1;
    const h = i + 1 < len ? hexDigit(body[i + 1]) : -1;
    const l = i + 2 < len ? hexDigit(body[i + 2]) : -1;
    if (h >= 0 && l >= 0) {
      out[n++] = (h << 4) | l;
      i += 2;
      continue;
    }
    // Soft line break: "=" then optional transport padding (spaces some gateways add) then EOL.
    let j = i + 1;
    while (j < len && (body[j] === 0x20 || body[j] === 0x09)) j++;
    if (j < len && body[j] === CR && body[j + 1] === LF) { i = j + 1; continue; }
    if (j < len && body[j] === LF) { i = j; continue; }
    if (j >= len) { i = j; continue; }
    out[n++] = c;
  }
  if (blanks >= 0) n = blanks;
  return out.subarray(0, n);
}
