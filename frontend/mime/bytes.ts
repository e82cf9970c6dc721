// Small byte-level helpers. The parser works on the raw Buffer and turns only the pieces it needs
// into strings, so a 50 MB message is never copied into one huge JavaScript string.

import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const HTAB = 0x09;

/** True when every byte in [start, end) is below 0x80. */
export function isAscii(buf: Buffer, start = 0, end = buf.length): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/**
 * Header text and undeclared 8-bit bytes: UTF-8 when the bytes are valid UTF-8 (what modern
 * software sends, RFC 6532), otherwise windows-1252 (what 8-bit headers from the 1990s and 2000s
 * usually are; it is a superset of latin1 for every printable character).
 */
export function bytesToText(buf: Buffer, start = 0, end = buf.length): string {
  if (isAscii(buf, start, end)) return buf.toString('latin1', start, end);
  const slice = buf.subarray(start, end);
  if (isUtf8(slice)) return slice.toString('utf8');
  return iconv.decode(slice, 'windows-1252');
}

/** Number of LF bytes in [start, end): IMAP's body-fld-lines, counted the way Dovecot does. */
export function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let p = buf.indexOf(LF, start);
  while (p !== -1 && p < end) {
    n++;
    p = buf.indexOf(LF, p + 1);
  }
  return n;
}

/**
 * Where a part ends when a boundary delimiter line starts at `lineStart`: the CRLF (or bare LF)
 * before the delimiter belongs to the delimiter (RFC 2046 §5.1.1), but a part never ends before
 * it began.
 */
export function endBeforeLine(buf: Buffer, lineStart: number, min: number): number {
  let p = lineStart;
  if (p > min && buf[p - 1] === LF) {
    p--;
    if (p > min && buf[p - 1] === CR) p--;
  }
  return p < min ? min : p;
}

/** The value of an ASCII hex digit, or -1 (also for NaN, so charCodeAt past the end is safe). */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
