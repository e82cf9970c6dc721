// The data the THREAD algorithms work on and the trees they produce.
//
// Why THREAD is computed here and not in SQL (a deviation from DESIGN §2's boundary rule, which
// puts THREAD evaluation in SQL): RFC 5256's REFERENCES algorithm is a recursive tree computation
// (reparenting, loop checks, pruning, subject merging) that PL/pgSQL does slowly and awkwardly.
// It is a pure function of per-message data stored at injection, fetched in one call
// (api.messages_thread_data), so two sessions can never disagree about its result. These modules
// use nothing but plain JavaScript (no Node APIs, no Buffer), so a plv8 build can run them inside
// PostgreSQL where plv8 exists.
//
// Speed: THREAD over 100,000 messages must answer well under a second, so the algorithms take
// their input as columns (one array per field, as the database rows are read) and keep the tree in
// flat number arrays (forest.ts): a few arrays instead of hundreds of thousands of objects for the
// garbage collector to trace.

/** One searched message, the convenient form (tests, other callers); see columnsOf. */
export interface ThreadMessage {
  /** the message's UID: UID order is sequence order, the RFC 5256 tie-breaker */
  uid: number;
  /** the Message-ID as frontend/mime normalises it ("<id>", no whitespace), or null */
  messageId: string | null;
  /** the ids of In-Reply-To, in order */
  inReplyTo: readonly string[];
  /** the ids of References, in order */
  references: readonly string[];
  /** the RFC 5256 §2.1 base subject (case kept) */
  baseSubject: string;
  /**
   * The decoded subject, needed only to tell whether the message is a reply or forward
   * (RFC 5256 §2.1); null when it equals the base subject, since then nothing was removed.
   */
  subject: string | null;
  /** RFC 5256 §2.2 sent date in milliseconds since the epoch: the Date field, else INTERNALDATE */
  sentDate: number;
}

/**
 * The searched messages as columns, index i being the i-th message in UID order: what
 * api.messages_thread_data returns, read without making an object per message.
 */
export interface ThreadColumns {
  /** UIDs, ascending */
  uid: readonly number[];
  /** Message-IDs ("<id>"), null when missing or invalid */
  messageId: readonly (string | null)[];
  /**
   * The message's references (RFC 5256 §4): the ids of References, else the first id of
   * In-Reply-To; separated by single spaces (ids contain no whitespace); null or "" for none.
   */
  references: readonly (string | null)[];
  baseSubject: readonly string[];
  /** the decoded subject when it differs from the base subject, else null */
  subject: readonly (string | null)[];
  /** RFC 5256 §2.2 sent dates, milliseconds since the epoch */
  sentDate: readonly number[];
}

/** A node of a thread tree; uid null is a dummy (a message that is not there). */
export interface ThreadNode {
  uid: number | null;
  children: ThreadNode[];
}

export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES' | 'REFS';
