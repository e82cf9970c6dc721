// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3). Printable US-ASCII except "&" stands for
// itself, "&-" is "&", and anything else is UTF-16BE in a BASE64 variant (with "," for "/") between
// "&" and "-". Clients that have not enabled UTF8=ACCEPT send and expect names in this form.
//
// Decoding is strict: a name has exactly one encoding, and accepting sloppy variants would let
// two different wire names denote one mailbox (or hide control characters), so CREATE of a
// malformed name gets BAD rather than a guess.

import { ParseError } from './grammar/errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

const DECODE_TABLE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

const AMPERSAND = 0x26;
const DASH = 0x2d;

function isSelfRepresenting(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== AMPERSAND;
}

/** Encodes a Unicode mailbox name as modified UTF-7. Never fails. */
export function encodeUtf7(name: string): string {
  // Fast path: most names are plain ASCII without "&".
  let plain = true;
  for (let i = 0; i < name.length; i++) {
    if (!isSelfRepresenting(name.charCodeAt(i))) {
      plain = false;
      break;
    }
  }
  if (plain) return name;

  const out: string[] = [];
  let i = 0;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (isSelfRepresenting(code)) {
      let j = i + 1;
      while (j < name.length && isSelfRepresenting(name.charCodeAt(j))) j++;
      out.push(name.slice(i, j));
      i = j;
    } else if (code === AMPERSAND) {
      out.push('&-');
      i++;
    } else {
      // a run of characters that need shifting: UTF-16 code units, 16 bits each, 6 bits per char
      let j = i;
      let bits = 0;
      let nbits = 0;
      let run = '&';
      while (j < name.length) {
        const u = name.charCodeAt(j);
        if (isSelfRepresenting(u) || u === AMPERSAND) break;
        bits = ((bits << 16) | u) >>> 0;
        nbits += 16;
        while (nbits >= 6) {
          nbits -= 6;
          run += ALPHABET[(bits >>> nbits) & 0x3f];
        }
        bits &= (1 << nbits) - 1;
        j++;
      }
      if (nbits > 0) run += ALPHABET[(bits << (6 - nbits)) & 0x3f];
      out.push(run, '-');
      i = j;
    }
  }
  return out.join('');
}

/**
 * Decodes a modified UTF-7 mailbox name. Throws ParseError on anything RFC 3501 §5.1.3 does not
 * allow: 8-bit or control characters, a "&" without its "-", characters outside the alphabet,
 * non-zero padding bits, printable ASCII written in BASE64, broken surrogate pairs, and adjacent
 * shifted runs ("-&", a null shift).
 */
export function decodeUtf7(text: string): string {
  if (text.indexOf('&') === -1) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) throw new ParseError('Mailbox name has characters that need modified UTF-7');
    }
    return text;
  }
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new ParseError('Mailbox name has characters that need modified UTF-7');
    if (c !== AMPERSAND) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === AMPERSAND || d < 0x20 || d > 0x7e) break;
        j++;
      }
      out.push(text.slice(i, j));
      i = j;
      continue;
    }
    let j = i + 1;
    if (j < n && text.charCodeAt(j) === DASH) {
      out.push('&');
      i = j + 1;
      continue;
    }
    let bits = 0;
    let nbits = 0;
    const units: number[] = [];
    while (j < n && text.charCodeAt(j) !== DASH) {
      const ch = text.charCodeAt(j);
      const v = ch < 128 ? DECODE_TABLE[ch] : -1;
      if (v < 0) throw new ParseError('Invalid character in modified UTF-7 mailbox name');
      bits = (bits << 6) | v;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        units.push((bits >>> nbits) & 0xffff);
        bits &= (1 << nbits) - 1;
      }
      j++;
    }
    if (j >= n) throw new ParseError('Unterminated modified UTF-7 sequence in mailbox name');
    if (nbits >= 6 || bits !== 0) throw new ParseError('Malformed modified UTF-7 sequence in mailbox name');
    for (let k = 0; k < units.length; k++) {
      const u = units[k];
      if (u >= 0x20 && u <= 0x7e) throw new ParseError('Modified UTF-7 mailbox name encodes printable ASCII');
      if (u >= 0xd800 && u <= 0xdbff) {
        const next = units[k + 1];
        if (next === undefined || next < 0xdc00 || next > 0xdfff) {
          throw new ParseError('Modified UTF-7 mailbox name has a broken surrogate pair');
        }
        k++;
      } else if (u >= 0xdc00 && u <= 0xdfff) {
        throw new ParseError('Modified UTF-7 mailbox name has a broken surrogate pair');
      }
    }
    // in slices: spreading a very long array into one call would overflow the stack
    for (let k = 0; k < units.length; k += 4096) out.push(String.fromCharCode(...units.slice(k, k + 4096)));
    i = j + 1;
    if (i + 1 < n && text.charCodeAt(i) === AMPERSAND && text.charCodeAt(i + 1) !== DASH) {
      throw new ParseError('Modified UTF-7 mailbox name has adjacent shifted sequences');
    }
  }
  return out.join('');
}

/**
 * The form a mailbox name takes on the wire: UTF-8 as is once the client enabled UTF8=ACCEPT
 * (RFC 6855/9051), else modified UTF-7.
 */
export function encodeMailboxName(name: string, utf8Accept: boolean): string {
  return utf8Accept ? name : encodeUtf7(name);
}
