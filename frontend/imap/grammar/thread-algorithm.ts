// THREAD algorithm names (RFC 5256 §3):
//
//   thread     = ["UID" SP] "THREAD" SP thread-alg SP search-charset SP search-program
//   thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext
//
// An algorithm the server does not offer is a BAD, as it would not have been advertised in the
// THREAD= capabilities.

import { Cursor, ParseError } from '../parser.ts';

/** The algorithms implemented, in the order they are advertised. */
export const THREAD_ALGORITHMS = ['ORDEREDSUBJECT', 'REFERENCES'] as const;

/** Reads a thread algorithm name and returns it upper-cased if it is one of `supported`. */
export function parseThreadAlgorithm(c: Cursor, supported: readonly string[] = THREAD_ALGORITHMS): string {
  const start = c.position;
  const name = c.atom().toUpperCase();
  if (!supported.includes(name)) throw new ParseError(`Unsupported thread algorithm ${name.slice(0, 30)}`, start);
  return name;
}
