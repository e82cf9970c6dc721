// Subjects for THREAD: the RFC 5256 §2.1 extraction is frontend/mime/base-subject.ts (the same
// code that computed the stored base subject at injection); here only the comparison key.
// Pure JavaScript (see types.ts).
export { analyseSubject, type SubjectAnalysis } from '../../mime/base-subject.ts';

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
