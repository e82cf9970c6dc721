// THREAD evaluation (RFC 5256, draft-ietf-morg-inthread): pure functions from the searched
// messages' stored thread data to thread trees and the THREAD response's text. See types.ts for
// why this is TypeScript.

import { columnsOf } from './columns.ts';
import type { ThreadResult } from './forest.ts';
import { threadOrderedSubject } from './ordered-subject.ts';
import { threadReferences, threadRefs } from './references.ts';
import type { ThreadAlgorithm, ThreadColumns, ThreadMessage } from './types.ts';

export { columnsOf } from './columns.ts';
export { formatThreads } from './format.ts';
export { fromNodes, toNodes, type ThreadResult } from './forest.ts';
export type { ThreadAlgorithm, ThreadColumns, ThreadMessage, ThreadNode } from './types.ts';

/** The algorithms offered, in the order the THREAD= capabilities list them. */
export const THREAD_ALGORITHMS: readonly ThreadAlgorithm[] = ['ORDEREDSUBJECT', 'REFERENCES', 'REFS'];

/** Threads messages given as columns in UID order (what the database returns). */
export function threadColumns(algorithm: ThreadAlgorithm, columns: ThreadColumns): ThreadResult {
  switch (algorithm) {
    case 'ORDEREDSUBJECT': return threadOrderedSubject(columns);
    case 'REFERENCES': return threadReferences(columns);
    case 'REFS': return threadRefs(columns);
  }
}

/** Threads messages given as objects, in any order. */
export function thread(algorithm: ThreadAlgorithm, messages: readonly ThreadMessage[]): ThreadResult {
  return threadColumns(algorithm, columnsOf(messages));
}
