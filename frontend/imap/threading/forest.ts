// Thread trees in flat arrays. Every container (a message, or a dummy standing for a missing one)
// is an index into parallel number arrays; children are linked lists (first child, next sibling).
// Plain number arrays stay unboxed in V8 and cost the garbage collector almost nothing, where an
// object per message costs a lot at 100,000 messages.

import type { ThreadColumns, ThreadNode } from './types.ts';

export const NIL = -1;

export class Forest {
  /** the message (row of the columns) a container holds, NIL for a dummy */
  row: Int32Array;
  /** step 1's parent links (RFC 5256 §4 1.A/1.B), NIL for none */
  parent: Int32Array;
  /** how many containers have this one as step-1 parent */
  links: Int32Array;
  /** the tree after pruning: first child, next sibling (NIL-terminated), number of children */
  first: Int32Array;
  next: Int32Array;
  count: Int32Array;
  /** sort key: the sent date and UID of the message, or of a dummy's first child */
  date: Float64Array;
  key: Float64Array;
  private n = 0;

  /**
   * `capacity` is how many containers are expected (messages, dummies); more may be added, at the
   * price of copying the arrays, which must then be read again from the forest (never keep one
   * across add).
   */
  constructor(readonly columns: ThreadColumns, capacity = columns.uid.length) {
    const cap = Math.max(16, capacity);
    this.row = new Int32Array(cap);
    this.parent = new Int32Array(cap);
    this.links = new Int32Array(cap);
    this.first = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.count = new Int32Array(cap);
    this.date = new Float64Array(cap);
    this.key = new Float64Array(cap);
  }

  private grow(): void {
    const cap = this.row.length * 2;
    const int = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const dbl = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.row = int(this.row);
    this.parent = int(this.parent);
    this.links = int(this.links);
    this.first = int(this.first);
    this.next = int(this.next);
    this.count = int(this.count);
    this.date = dbl(this.date);
    this.key = dbl(this.key);
  }

  get size(): number {
    return this.n;
  }

  /** A new container for a row (or NIL for a dummy); returns its index. */
  add(row: number): number {
    if (this.n === this.row.length) this.grow();
    const c = this.n++;
    this.row[c] = row;
    this.parent[c] = NIL;
    this.links[c] = 0;
    this.first[c] = NIL;
    this.next[c] = NIL;
    this.count[c] = 0;
    this.date[c] = row === NIL ? 0 : this.columns.sentDate[row];
    this.key[c] = row === NIL ? 0 : this.columns.uid[row];
    return c;
  }

  isDummy(c: number): boolean {
    return this.row[c] === NIL;
  }

  /** The UID of a container's message, null for a dummy. */
  uid(c: number): number | null {
    const r = this.row[c];
    return r === NIL ? null : this.columns.uid[r];
  }

  /** Makes `c` a child of `p` in the tree (order does not matter until siblings are sorted). */
  addChild(p: number, c: number): void {
    this.next[c] = this.first[p];
    this.first[p] = c;
    this.count[p]++;
  }

  children(p: number): number[] {
    const out: number[] = [];
    for (let c = this.first[p]; c !== NIL; c = this.next[c]) out.push(c);
    return out;
  }

  /** Relinks the children of `p` in the given order. */
  setChildren(p: number, list: readonly number[]): void {
    let after = NIL;
    for (let i = list.length - 1; i >= 0; i--) {
      this.next[list[i]] = after;
      after = list[i];
    }
    this.first[p] = after;
    this.count[p] = list.length;
  }

  /** RFC 5256 §2.2 order of two containers: sent date, then UID. */
  readonly byDate = (a: number, b: number): number => this.date[a] - this.date[b] || this.key[a] - this.key[b];

  /** Sorts a container's children by sent date (if it has several). */
  sortChildren(p: number): void {
    if (this.count[p] > 1) this.setChildren(p, this.children(p).sort(this.byDate));
  }

  /** A dummy takes the sort key of its first child (after sorting them). */
  keyDummy(p: number): void {
    if (this.row[p] !== NIL || this.count[p] === 0) return;
    this.sortChildren(p);
    this.date[p] = this.date[this.first[p]];
    this.key[p] = this.key[this.first[p]];
  }
}

/** The result of a threading algorithm: the forest and its threads (roots) in order. */
export interface ThreadResult {
  forest: Forest;
  roots: readonly number[];
}

/** The result as nested objects (for tests and callers that want a tree). Iterative. */
export function toNodes(result: ThreadResult): ThreadNode[] {
  const f = result.forest;
  const make = (c: number): ThreadNode => ({ uid: f.uid(c), children: [] });
  const top = result.roots.map(make);
  const stack: Array<[number, ThreadNode]> = result.roots.map((c, i) => [c, top[i]]);
  while (stack.length > 0) {
    const [c, n] = stack.pop() as [number, ThreadNode];
    for (let k = f.first[c]; k !== NIL; k = f.next[k]) {
      const child = make(k);
      n.children.push(child);
      stack.push([k, child]);
    }
  }
  return top;
}

/** A tree of nested objects as a result (to format hand-made trees). Iterative. */
export function fromNodes(nodes: readonly ThreadNode[]): ThreadResult {
  const uids: number[] = [];
  const columns: ThreadColumns = { uid: uids, messageId: [], references: [], baseSubject: [], subject: [], sentDate: [] };
  const forest = new Forest(columns);
  const place = (n: ThreadNode): number => {
    if (n.uid === null) return forest.add(NIL);
    uids.push(n.uid);
    (columns.sentDate as number[]).push(0);
    return forest.add(uids.length - 1);
  };
  const roots = nodes.map(place);
  const stack: Array<[number, ThreadNode]> = nodes.map((n, i) => [roots[i], n]);
  while (stack.length > 0) {
    const [c, n] = stack.pop() as [number, ThreadNode];
    const kids = n.children.map(place);
    forest.setChildren(c, kids);
    n.children.forEach((child, i) => stack.push([kids[i], child]));
  }
  return { forest, roots };
}
