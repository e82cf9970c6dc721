// THREAD=REFERENCES (RFC 5256 §4, steps 1–6) and THREAD=REFS (draft-ietf-morg-inthread).
//
// REFS is REFERENCES without step 5 (no threads are merged because their subjects match), with the
// threads ordered by the sent date of the newest message in each thread instead of the first, so
// the thread with the latest activity comes last. Ties between threads go to the lower UID of the
// thread's first message (its root, or a dummy root's first child), as everywhere in RFC 5256.
//
// Nothing here recurses: a reply chain 100,000 messages deep must not overflow the stack.

import { Forest, NIL, type ThreadResult } from './forest.ts';
import { linkMessages } from './link.ts';
import { analyseSubject, subjectKey } from './subject.ts';
import type { ThreadColumns } from './types.ts';

/**
 * Steps 2 and 3: the children of the root, with the dummies pruned. Below the root a dummy always
 * goes, its children taking its place among its siblings, and so on up through chains of dummies:
 * a message ends up below its nearest real ancestor. A message whose ancestors are all dummies
 * ends up below the topmost one, which is a child of the root; such a root-level dummy stays if it
 * holds several children (it keeps them together as one thread), gives way to its only child, and
 * goes if it has none.
 */
function buildTree(f: Forest): number[] {
  const { parent, row } = f;
  const n = f.size;
  for (let c = 0; c < n; c++) {
    if (row[c] === NIL || parent[c] === NIL) continue;
    let p = parent[c];
    while (row[p] === NIL && parent[p] !== NIL) p = parent[p];
    f.addChild(p, c);
  }
  const roots: number[] = [];
  for (let c = 0; c < n; c++) {
    if (parent[c] !== NIL) continue;
    if (row[c] !== NIL || f.count[c] > 1) roots.push(c);
    else if (f.count[c] === 1) roots.push(f.first[c]);
  }
  return roots;
}

/**
 * (6) Every set of siblings by sent date. Only root-level dummies have a sort key that depends on
 * other containers (their first child, always a message), so sorting every other set first and
 * then keying the dummies is the RFC's "youngest siblings first" order.
 */
function sortSiblings(f: Forest): void {
  const n = f.size;
  for (let c = 0; c < n; c++) if (f.row[c] !== NIL) f.sortChildren(c);
  for (let c = 0; c < n; c++) f.keyDummy(c);
}

/** (5) Threads whose first messages have the same non-empty base subject are merged. */
function gatherSubjects(f: Forest, roots: readonly number[]): number[] {
  const cols = f.columns;
  const firstRow = (c: number): number => (f.row[c] !== NIL ? f.row[c] : f.count[c] > 0 ? f.row[f.first[c]] : NIL);
  const replies = new Map<number, boolean>();
  const isReplyOrForward = (c: number): boolean => {
    const r = f.row[c];
    if (r === NIL) return false;
    let v = replies.get(r);
    if (v === undefined) {
      const subject = cols.subject[r];
      v = subject !== null && analyseSubject(subject).replyOrForward;
      replies.set(r, v);
    }
    return v;
  };
  const subjects = roots.map((c) => {
    const r = firstRow(c);
    return r === NIL ? '' : subjectKey(cols.baseSubject[r]);
  });
  const atRoot = new Set(roots);
  // (A), (B) one message per thread subject: a dummy wins over a message, a message that is not a
  // reply or forward over one that is
  const table = new Map<string, number>();
  roots.forEach((c, i) => {
    const subject = subjects[i];
    if (subject === '') return;
    const held = table.get(subject);
    if (held === undefined) table.set(subject, c);
    else if (!f.isDummy(held) && (f.isDummy(c) || (isReplyOrForward(held) && !isReplyOrForward(c)))) table.set(subject, c);
  });
  // (C) merge every other thread with that subject into the one in the table
  roots.forEach((cur, i) => {
    const subject = subjects[i];
    if (subject === '' || !atRoot.has(cur)) return;
    const held = table.get(subject) as number;
    if (held === cur) return;
    if (f.isDummy(cur) && f.isDummy(held)) {
      for (const c of f.children(cur)) f.addChild(held, c);
      atRoot.delete(cur);
    } else if (f.isDummy(held) || (isReplyOrForward(cur) && !isReplyOrForward(held))) {
      f.addChild(held, cur);
      atRoot.delete(cur);
    } else {
      const dummy = f.add(NIL);
      f.addChild(dummy, held);
      f.addChild(dummy, cur);
      atRoot.delete(held);
      atRoot.delete(cur);
      atRoot.add(dummy);
      table.set(subject, dummy);
    }
  });
  return [...atRoot];
}

export function threadReferences(columns: ThreadColumns): ThreadResult {
  const f = linkMessages(columns);
  const roots = buildTree(f);
  // (4) the threads by the sent date of their first message (a dummy's first child)
  for (const r of roots) f.keyDummy(r);
  roots.sort(f.byDate);
  // (5), then (6), which also orders the threads again after the merges
  const merged = gatherSubjects(f, roots);
  sortSiblings(f);
  return { forest: f, roots: merged.sort(f.byDate) };
}

export function threadRefs(columns: ThreadColumns): ThreadResult {
  const f = linkMessages(columns);
  const roots = buildTree(f);
  sortSiblings(f);
  // each thread by its newest message (ties: the thread's first message's UID)
  const newest = new Map<number, number>();
  const stack: number[] = [];
  for (const r of roots) {
    let latest = -Infinity;
    stack.push(r);
    while (stack.length > 0) {
      const c = stack.pop() as number;
      if (f.row[c] !== NIL && f.date[c] > latest) latest = f.date[c];
      for (let k = f.first[c]; k !== NIL; k = f.next[k]) stack.push(k);
    }
    newest.set(r, latest);
  }
  roots.sort((a, b) => (newest.get(a) as number) - (newest.get(b) as number) || f.key[a] - f.key[b]);
  return { forest: f, roots };
}
