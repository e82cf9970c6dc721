// RFC 5256 §2.1: the base subject SORT SUBJECT and THREAD=ORDEREDSUBJECT/REFERENCES compare.
// Case is kept (the comparison is case-insensitive and done in SQL); only whitespace is
// normalised. Works on indices into one string, so that even hostile subjects ("[a][b][c]…"
// a megabyte long) take linear time. Pure JavaScript: THREAD (frontend/imap/threading) uses it
// too, for whether extraction removed a reply or forward marker (REFERENCES step 5).

const SPACE = 0x20;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;

/** End of a subj-blob ("[" *BLOBCHAR "]" *WSP) starting at `p`, or -1. */
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

/** End of a subj-refwd (("re" / "fw" ["d"]) *WSP [subj-blob] ":") starting at `p`, or -1. */
function refwdEnd(s: string, p: number, end: number): number {
  const lower = s.slice(p, Math.min(p + 3, end)).toLowerCase();
  let k: number;
  if (lower.startsWith('re')) k = p + 2;
  else if (lower === 'fwd') k = p + 3;
  else if (lower.startsWith('fw')) k = p + 2;
  else return -1;
  while (k < end && s.charCodeAt(k) === SPACE) k++;
  const b = blobEnd(s, k, end);
  if (b !== -1) k = b;
  return k < end && s.charCodeAt(k) === COLON ? k + 1 : -1;
}

export interface SubjectAnalysis {
  /** the base subject (case kept) */
  base: string;
  /** true when extraction removed a subj-refwd, a "(fwd)" trailer or a "[fwd: …]" wrapper */
  replyOrForward: boolean;
}

/** RFC 5256 §2.1 steps 1–6 over an already RFC 2047-decoded subject. */
export function analyseSubject(decodedSubject: string): SubjectAnalysis {
  // (1) Tabs and continuations become spaces; runs of spaces become one.
  const s = decodedSubject.replace(/[ \t\r\n]+/g, ' ');
  let start = 0;
  let end = s.length;
  let replyOrForward = false;
  while (true) {
    // (2) Remove subj-trailers: "(fwd)" and whitespace, repeatedly.
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
    // (3)-(5) Remove subj-leaders ((*subj-blob subj-refwd) / WSP), and a leading subj-blob when
    // something remains after it, until nothing matches.
    while (start < end) {
      if (s.charCodeAt(start) === SPACE) {
        start++;
        continue;
      }
      let p = start;
      let lastBlob = -1;
      for (let b = blobEnd(s, p, end); b !== -1; b = blobEnd(s, p, end)) {
        lastBlob = p;
        p = b;
      }
      const r = refwdEnd(s, p, end);
      if (r !== -1) {
        start = r;
        replyOrForward = true;
        continue;
      }
      // No subj-refwd follows the blobs: step (4) removes them one at a time as long as text
      // remains, and nothing after them can match step (3), so jump straight to the result.
      if (lastBlob !== -1) start = p < end ? p : lastBlob;
      break;
    }
    // (6) "[fwd: … ]" wrapping the whole rest: unwrap and start over.
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

/** The RFC 5256 base subject of an already RFC 2047-decoded subject. */
export function baseSubject(decodedSubject: string): string {
  return analyseSubject(decodedSubject).base;
}
