// Strict UTF-8 validation. Buffer#toString('utf8') silently replaces malformed sequences with U+FFFD;
// for mailbox names and search strings that would turn a client bug into a wrong name or a search
// that can never match, so we check first and let the caller answer BAD. (TextDecoder's fatal mode
// would do, but this library stays free of APIs that a plv8 build target may lack.)

import { ParseError } from './errors.ts';

/** True if `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return false;
    }
    // fewer continuation bytes left than the lead byte promises
    if (i + need >= end) return false;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** True if every byte is below 0x80. */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

/** Decodes UTF-8, throwing ParseError (naming `what`) instead of substituting U+FFFD. */
export function decodeUtf8Strict(bytes: Buffer, what: string): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  if (!isValidUtf8(bytes)) throw new ParseError(`${what} is not valid UTF-8`);
  return bytes.toString('utf8');
}
