// THREAD=ORDEREDSUBJECT (RFC 5256 §4, "poor man's threading"): messages with the same base
// subject form a thread; its first message (by sent date) is the root and every other message is
// a child of the root, in sent-date order, so there are no grandchildren. Threads are ordered by
// the sent date of their first message. Empty base subjects are a subject like any other.

import { Forest, type ThreadResult } from './forest.ts';
import { subjectKey } from './subject.ts';
import type { ThreadColumns } from './types.ts';

export function threadOrderedSubject(columns: ThreadColumns): ThreadResult {
  const f = new Forest(columns);
  const groups = new Map<string, number[]>();
  const n = columns.uid.length;
  for (let row = 0; row < n; row++) {
    const c = f.add(row);
    const key = subjectKey(columns.baseSubject[row]);
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const roots: number[] = [];
  for (const g of groups.values()) {
    g.sort(f.byDate);
    f.setChildren(g[0], g.slice(1));
    roots.push(g[0]);
  }
  return { forest: f, roots: roots.sort(f.byDate) };
}
