// The THREAD response's thread lists (RFC 5256 §5):
//
//   thread-list    = "(" (thread-members / thread-nested) ")"
//   thread-members = nz-number *(SP nz-number) [SP thread-nested]
//   thread-nested  = 2*thread-list
//
// A message with one child is followed by that child in the same list; one with several children
// is followed by one nested list per child. A dummy (a missing parent) has no number: its list is
// only the nested lists of its children, "((3)(5))". Nested lists follow each other with no space
// between them, which is why this is written here and not by the generic response compiler (whose
// lists are space-separated); the text is digits and parentheses only, so nothing needs quoting.
// Iterative, since trees can be very deep.

import { NIL, type ThreadResult } from './forest.ts';

/**
 * The thread lists of a result, concatenated ("(1 2)(3 (4)(5))"). `number` maps a UID to what the
 * client is told: the UID itself for UID THREAD, the message sequence number for THREAD.
 */
export function formatThreads(result: ThreadResult, number: (uid: number) => number = (u) => u): string {
  const f = result.forest;
  const { first, next, count, row } = f;
  const uids = f.columns.uid;
  let out = '';
  // Writes a container's number and those of its chain of only children; returns the first of the
  // children that follow as nested lists (SP already written after any number), or NIL.
  const chain = (start: number): number => {
    let c = start;
    let wrote = false;
    for (;;) {
      if (row[c] !== NIL) {
        out += wrote ? ' ' + number(uids[row[c]]) : String(number(uids[row[c]]));
        wrote = true;
      }
      if (count[c] === 0) return NIL;
      if (count[c] === 1) {
        c = first[c];
        continue;
      }
      if (wrote) out += ' ';
      return first[c];
    }
  };
  // the next nested list to write at each open level (NIL: all written, close the level's list)
  const pending: number[] = [];
  const open = (c: number): void => {
    out += '(';
    const nested = chain(c);
    if (nested === NIL) out += ')';
    else pending.push(nested);
  };
  for (const root of result.roots) {
    open(root);
    while (pending.length > 0) {
      const c = pending[pending.length - 1];
      if (c === NIL) {
        pending.pop();
        out += ')';
      } else {
        pending[pending.length - 1] = next[c];
        open(c);
      }
    }
  }
  return out;
}
