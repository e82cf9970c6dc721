// REFERENCES/REFS step 1 (RFC 5256 §4): parent/child links between messages from their
// references, with dummy containers for Message-IDs that are not among the searched messages.
//
// Deliberate readings of the RFC, where it is silent:
// - In step 1.B the message's own container never counts as its parent: a message that lists its
//   own Message-ID in References (seen in broken mailers) keeps the parent given by the id before
//   it, instead of losing every parent. Step 1.A's links are made exactly as the RFC says, its
//   loop check refusing the self-link.
// - Ids are compared case-sensitively, as the RFC requires.
//
// Cost: one Map lookup per reference; the loop check walks up from the would-be parent only when
// the would-be child has children (a fresh container cannot be anyone's ancestor), so threads
// delivered in date order link in constant time per reference.

import { Forest, NIL } from './forest.ts';
import type { ThreadColumns } from './types.ts';

/** Step 1 over the messages in sequence (UID) order: a forest whose `parent` links are set. */
export function linkMessages(columns: ThreadColumns): Forest {
  // room for every message, every referenced id (an upper bound on the dummies) and the dummies
  // step 5 may add (at most one per thread), so the arrays are allocated once
  const n = columns.uid.length;
  let ids = 0;
  for (let row = 0; row < n; row++) {
    const text = columns.references[row];
    if (text) for (let i = text.indexOf(' '); i !== -1; i = text.indexOf(' ', i + 1)) ids++;
    if (text) ids++;
  }
  const f = new Forest(columns, 2 * n + ids);
  const byId = new Map<string, number>();
  const containerFor = (id: string): number => {
    let c = byId.get(id);
    if (c === undefined) {
      c = f.add(NIL);
      byId.set(id, c);
    }
    return c;
  };
  // (the arrays are read from the forest each time: add may have replaced them)
  /** True when making `p` the parent of `c` would close a loop. */
  const wouldLoop = (p: number, c: number): boolean => {
    if (p === c) return true;
    if (f.links[c] === 0) return false;
    for (let a = p; a !== NIL; a = f.parent[a]) if (a === c) return true;
    return false;
  };
  const attach = (p: number, c: number): void => {
    f.parent[c] = p;
    f.links[p]++;
  };

  const refs: number[] = [];
  for (let row = 0; row < n; row++) {
    // A missing Message-ID, or one a message with a lower sequence number already has, is
    // replaced by a unique one: the message gets a container nobody can reference.
    let own = NIL;
    const id = columns.messageId[row];
    if (id !== null) {
      const c = containerFor(id);
      if (f.row[c] === NIL) {
        f.row[c] = row;
        f.date[c] = columns.sentDate[row];
        f.key[c] = columns.uid[row];
        own = c;
      }
    }
    if (own === NIL) own = f.add(row);

    refs.length = 0;
    const text = columns.references[row];
    if (text) {
      for (let start = 0; start < text.length;) {
        let end = text.indexOf(' ', start);
        if (end === -1) end = text.length;
        if (end > start) refs.push(containerFor(text.slice(start, end)));
        start = end + 1;
      }
    }
    // 1.A: each reference is the parent of the next, unless the child already has a parent or
    // the link would make a loop
    for (let i = 0; i + 1 < refs.length; i++) {
      const child = refs[i + 1];
      if (f.parent[child] === NIL && !wouldLoop(refs[i], child)) attach(refs[i], child);
    }
    // 1.B: the last reference is the parent of the message, replacing any parent an earlier
    // (possibly truncated) References field gave it; no references leaves it without a parent
    let p = NIL;
    for (let i = refs.length - 1; i >= 0; i--) {
      if (refs[i] !== own) {
        p = refs[i];
        break;
      }
    }
    if (f.parent[own] !== p) {
      if (f.parent[own] !== NIL) {
        f.links[f.parent[own]]--;
        f.parent[own] = NIL;
      }
      if (p !== NIL && !wouldLoop(p, own)) attach(p, own);
    }
  }
  return f;
}
