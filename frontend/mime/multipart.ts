// Boundary delimiter lines (RFC 2046 §5.1.1). A line is a delimiter when it starts with "--" and
// a boundary of any enclosing multipart: only the beginning has to match ("an exact match of the
// entire candidate line is not required"). Boundaries are tried innermost first and the longest
// match wins, so "abc" and "abc-1" nested inside each other still work, and a missing close
// delimiter of an inner multipart is repaired by the outer boundary ending it.

import { CR, LF } from './bytes.ts';

export interface Delimiter {
  /** offset of the "--" */
  lineStart: number;
  /** offset after the delimiter line's LF (or the end of the message) */
  next: number;
  /** index into the boundary stack of the multipart it belongs to */
  depth: number;
  /** "--boundary--": the close delimiter */
  close: boolean;
}

const DASH = 0x2d;
const LF_DASH_DASH = Buffer.from('\n--', 'latin1');

/** Whether the line at `lineStart` is a delimiter for a boundary in `stack` (innermost last). */
export function matchDelimiter(raw: Buffer, lineStart: number, stack: readonly Buffer[]): Delimiter | null {
  if (raw[lineStart] !== DASH || raw[lineStart + 1] !== DASH) return null;
  const lf = raw.indexOf(LF, lineStart);
  const next = lf === -1 ? raw.length : lf + 1;
  let contentEnd = lf === -1 ? raw.length : lf;
  if (contentEnd > lineStart && raw[contentEnd - 1] === CR) contentEnd--;
  const available = contentEnd - lineStart - 2;
  let best = -1;
  for (let d = stack.length - 1; d >= 0; d--) {
    const b = stack[d];
    if (b.length > available || (best !== -1 && stack[best].length >= b.length)) continue;
    if (b.compare(raw, lineStart + 2, lineStart + 2 + b.length) !== 0) continue;
    best = d;
    // An exact match (or exact plus "--") cannot be beaten by a longer boundary.
    if (b.length === available || (b.length + 2 === available && raw[contentEnd - 1] === DASH)) break;
  }
  if (best === -1) return null;
  const after = lineStart + 2 + stack[best].length;
  const close = after + 2 <= contentEnd && raw[after] === DASH && raw[after + 1] === DASH;
  return { lineStart, next, depth: best, close };
}

/**
 * The first delimiter line at or after `from` (which must be the start of a line) for any
 * boundary in `stack`, or null when the message ends first.
 */
export function findDelimiter(raw: Buffer, from: number, stack: readonly Buffer[]): Delimiter | null {
  if (stack.length === 0 || from >= raw.length) return null;
  const first = matchDelimiter(raw, from, stack);
  if (first !== null) return first;
  let p = raw.indexOf(LF_DASH_DASH, from);
  while (p !== -1) {
    const d = matchDelimiter(raw, p + 1, stack);
    if (d !== null) return d;
    p = raw.indexOf(LF_DASH_DASH, p + 1);
  }
  return null;
}
