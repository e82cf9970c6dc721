// RFC 2047 encoded-words ("=?charset?Q?...?=") in header text. Decoding is deliberately more
// lenient than the RFC: words glued to surrounding text, words inside quoted strings and Q words
// containing spaces are all common in real mail, and every widespread client decodes them, so
// search has to see the decoded text too.

import { hexDigit } from './bytes.ts';
import { decodeCharset } from './charset.ts';
import type { Problems } from './problems.ts';
import { quoteForProblem } from './problems.ts';

// No nested quantifiers and disjoint classes, so a failed match costs at most one scan to the next
// "?": linear time whatever the input.
const ENCODED_WORD = /=\?([^?\s]{1,80})\?([bBqQ])\?([^?\r\n]*)\?=/g;

function isLinearWhite(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

function qBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) {
      bytes.push(0x20);
    } else if (c === 0x3d && hexDigit(text.charCodeAt(i + 1)) >= 0 && hexDigit(text.charCodeAt(i + 2)) >= 0) {
      bytes.push(hexDigit(text.charCodeAt(i + 1)) * 16 + hexDigit(text.charCodeAt(i + 2)));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Not allowed inside an encoded-word, but raw 8-bit text was already decoded to a string.
      for (const b of Buffer.from(text[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Decodes every encoded-word in `text`. Whitespace between adjacent encoded-words is dropped
 * (RFC 2047 §6.2), and adjacent words in the same charset are joined before charset decoding,
 * because encoders split multi-byte characters across words.
 */
export function decodeEncodedWords(text: string, problems?: Problems): string {
  if (!text.includes('=?')) return text;
  let out = '';
  let last = 0;
  let pendingCharset: string | null = null;
  let pending: Buffer[] = [];
  const flush = (): void => {
    if (pendingCharset === null) return;
    const decoded = decodeCharset(pending.length === 1 ? pending[0] : Buffer.concat(pending), pendingCharset);
    if (!decoded.known) problems?.add(`unknown charset ${quoteForProblem(pendingCharset)} in encoded-word`);
    out += decoded.text;
    pendingCharset = null;
    pending = [];
  };
  for (const m of text.matchAll(ENCODED_WORD)) {
    const index = m.index ?? 0;
    const between = text.slice(last, index);
    // RFC 2231 §5 allows a language suffix: =?utf-8*en?Q?...?=
    const star = m[1].indexOf('*');
    const charset = (star === -1 ? m[1] : m[1].slice(0, star)).toLowerCase();
    const bytes = m[2] === 'b' || m[2] === 'B' ? Buffer.from(m[3], 'base64') : qBytes(m[3]);
    if (pendingCharset !== null && isLinearWhite(between)) {
      if (charset !== pendingCharset) flush();
    } else {
      flush();
      out += between;
    }
    pendingCharset = charset;
    pending.push(bytes);
    last = index + m[0].length;
  }
  flush();
  return out + text.slice(last);
}
