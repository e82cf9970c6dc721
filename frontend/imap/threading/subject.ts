// RFC 5256 §2.1 base subject extraction, kept here for one thing the stored base subject cannot
// tell: whether extraction removed a reply/forward marker (a subj-refwd such as "Re:" or "Fwd:",
// a "(fwd)" trailer, or a "[fwd: …]" wrapper). REFERENCES step 5 needs that to decide which of two
// threads with the same subject becomes the parent. Index-based, so hostile subjects take linear
// time. Pure JavaScript (see types.ts).

const SPACE = 0x20;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;

/** End of a subj-blob ("[" *BLOBCHAR "]" *WSP) at `p`, or -1. */
function blobEnd(s: string, p: number, end: number): number {
  if (p >= end || s.charCodeAt(p) !== LBRACKET) return -1;
  let k = p + 1;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === LBRACKET) return -1;
    if (c === RBRACKET) break;
    k++;
  }
  if (k >= end) return -1;
  k++;
  while (k < end && s.charCodeAt(k) === SPACE) k++;
  return k;
}

function lowerAt(s: string, p: number): number {
  const c = s.charCodeAt(p);
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** End of a subj-refwd (("re" / "fw" ["d"]) *WSP [subj-blob] ":") at `p`, or -1. */
function refwdEnd(s: string, p: number, end: number): number {
  if (p + 1 >= end) return -1;
  const a = lowerAt(s, p);
  const b = lowerAt(s, p + 1);
  let k: number;
  if (a === 0x72 && b === 0x65) k = p + 2; // "re"
  else if (a === 0x66 && b === 0x77) k = p + 2 < end && lowerAt(s, p + 2) === 0x64 ? p + 3 : p + 2; // "fw" ["d"]
  else return -1;
  while (k < end && s.charCodeAt(k) === SPACE) k++;
  const blob = blobEnd(s, k, end);
  if (blob !== -1) k = blob;
  return k < end && s.charCodeAt(k) === COLON ? k + 1 : -1;
}

function hasNonSpace(s: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) !== SPACE) return true;
  return false;
}

export interface SubjectAnalysis {
  /** the base subject (case kept) */
  base: string;
  /** true when extraction removed a subj-refwd, a "(fwd)" trailer or a "[fwd: …]" wrapper */
  replyOrForward: boolean;
}

/** RFC 5256 §2.1 steps 1–7 over an already decoded subject. */
export function analyseSubject(decoded: string): SubjectAnalysis {
  // (1) tabs and continuations become spaces, runs of spaces one space
  const s = decoded.replace(/[ \t\r\n]+/g, ' ');
  let start = 0;
  let end = s.length;
  let replyOrForward = false;
  for (;;) {
    // (2) subj-trailers: "(fwd)" and whitespace at the end, repeatedly
    while (end > start) {
      if (s.charCodeAt(end - 1) === SPACE) {
        end--;
      } else if (end - start >= 5 && s.slice(end - 5, end).toLowerCase() === '(fwd)') {
        end -= 5;
        replyOrForward = true;
      } else {
        break;
      }
    }
    // (3)–(5) subj-leaders, then one leading subj-blob if text remains after it, until neither
    // matches
    for (;;) {
      for (;;) {
        if (start < end && s.charCodeAt(start) === SPACE) {
          start++;
          continue;
        }
        let p = start;
        for (let b = blobEnd(s, p, end); b !== -1; b = blobEnd(s, p, end)) p = b;
        const r = refwdEnd(s, p, end);
        if (r === -1) break;
        start = r;
        replyOrForward = true;
      }
      const b = blobEnd(s, start, end);
      if (b === -1 || !hasNonSpace(s, b, end)) break;
      start = b;
    }
    // (6) "[fwd:" … "]" around the rest: remove both and start again from (2)
    if (end - start >= 6 && s.slice(start, start + 5).toLowerCase() === '[fwd:' && s.charCodeAt(end - 1) === RBRACKET) {
      start += 5;
      end -= 1;
      replyOrForward = true;
      continue;
    }
    break;
  }
  return { base: s.slice(start, end), replyOrForward };
}

/**
 * The key two base subjects are compared by: i;ascii-casemap (RFC 4790 §9.2), i.e. ASCII letters
 * upper-cased and everything else compared as is.
 */
export function subjectKey(baseSubject: string): string {
  // for ASCII text the built-in upper-casing is exactly that, and fast
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(baseSubject)) return baseSubject.toUpperCase();
  return baseSubject.replace(/[a-z]+/g, (m) => m.toUpperCase());
}
