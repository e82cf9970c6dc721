// The shapes the IMAP grammar produces: what a command's `parse` hands to its `execute`. Kept in one
// file so commands, the session and the SQL call sites agree on them without importing parsers.

import type { SequenceSet, SequenceSetSpec } from './seqset.ts';

/** A calendar date without time or zone (RFC 3501 `date`, as SEARCH BEFORE/ON/SINCE use it). */
export interface ImapDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31, valid for the month */
  day: number;
}

/** `<offset.length>` after BODY[…]/BINARY[…] (RFC 3501 `partial`). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** What of a body part a section names; null is the part's whole content. */
export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** RFC 3501 `section` (the part between the brackets of BODY[…]). */
export interface Section {
  /** part numbers, e.g. [1, 2] for "1.2"; [] for the message itself */
  part: number[];
  text: SectionText | null;
  /** header field names of HEADER.FIELDS[.NOT], as the client spelled them (compare case-insensitively) */
  fields: string[];
}

/** Fetch items that take no arguments. `body` is BODY without a section (BODYSTRUCTURE sans extensions). */
export type SimpleFetchType =
  | 'envelope'
  | 'flags'
  | 'internaldate'
  | 'rfc822'
  | 'rfc822.header'
  | 'rfc822.size'
  | 'rfc822.text'
  | 'body'
  | 'bodystructure'
  | 'uid'
  | 'modseq'
  | 'emailid'
  | 'threadid'
  | 'savedate';

/** One RFC 3501/3516/7162/8474/8514 `fetch-att`. */
export type FetchAttribute =
  | { type: SimpleFetchType }
  /** BODY[section]<partial> and BODY.PEEK[…] */
  | { type: 'section'; peek: boolean; section: Section; partial: ByteRange | null }
  /** BINARY[part]<partial> and BINARY.PEEK[…] (RFC 3516) */
  | { type: 'binary'; peek: boolean; part: number[]; partial: ByteRange | null }
  /** BINARY.SIZE[part] (RFC 3516) */
  | { type: 'binary.size'; part: number[] };

/** The arguments of FETCH after the sequence set. */
export interface FetchRequest {
  /** macros expanded, duplicates dropped, in the client's order */
  attributes: FetchAttribute[];
  /** CHANGEDSINCE modifier (RFC 7162 §3.1.4), or null */
  changedSince: bigint | null;
  /** VANISHED modifier (RFC 7162 §3.2.6); only ever true together with changedSince */
  vanished: boolean;
  /** PARTIAL modifier (RFC 9394 §3.3): only these positions of the (changed) messages, or null */
  partial: PartialRange | null;
}

/** A date comparison: BEFORE/ON/SINCE and their SENT… and SAVED… variants. */
export type DateOp = 'before' | 'on' | 'since';

/** Search keys whose argument is a string matched as a substring. */
export type StringSearchField = 'bcc' | 'body' | 'cc' | 'from' | 'subject' | 'text' | 'to';

/**
 * RFC 3501/9051 `search-key` and extensions, as a tree. The negative keys (UNSEEN, UNKEYWORD, OLD…)
 * are spelled with `not`, and NEW is `and(recent, not(\Seen))`, so an evaluator has fewer cases.
 */
export type SearchKey =
  | { type: 'all' }
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'not'; key: SearchKey }
  /** a system flag (\Answered \Deleted \Draft \Flagged \Seen) or a keyword */
  | { type: 'flag'; flag: string }
  /** \Recent (session-specific, so kept apart from stored flags) */
  | { type: 'recent' }
  /** message sequence numbers, possibly `$` */
  | { type: 'seq'; set: SequenceSetSpec }
  | { type: 'uid'; set: SequenceSetSpec }
  | { type: 'string'; field: StringSearchField; value: string }
  | { type: 'header'; field: string; value: string }
  /** INTERNALDATE, date only, in the server's notion of the day */
  | { type: 'internaldate'; op: DateOp; date: ImapDate }
  /** the Date: header field, date only */
  | { type: 'sentdate'; op: DateOp; date: ImapDate }
  /** SAVEDBEFORE/SAVEDON/SAVEDSINCE (RFC 8514) */
  | { type: 'savedate'; op: DateOp; date: ImapDate }
  | { type: 'savedatesupported' }
  | { type: 'size'; op: 'larger' | 'smaller'; size: number }
  /** OLDER/YOUNGER (RFC 5032): INTERNALDATE compared with now minus `seconds` */
  | { type: 'age'; op: 'older' | 'younger'; seconds: number }
  /** MODSEQ (RFC 7162): mod-sequence ≥ `modseq`, optionally of one flag's metadata entry */
  | { type: 'modseq'; modseq: bigint; entry: { flag: string; kind: 'priv' | 'shared' | 'all' } | null }
  | { type: 'emailid'; id: string }
  | { type: 'threadid'; id: string }
  /** FUZZY (RFC 6203) */
  | { type: 'fuzzy'; key: SearchKey };

export interface SearchProgram {
  /** upper-cased charset the strings were decoded from ("US-ASCII" when none was given) */
  charset: string;
  key: SearchKey;
}

/** PARTIAL range (RFC 5267/9394): 1-based positions; negative first and last count from the end. */
export interface PartialRange {
  first: number;
  last: number;
}

/** ESEARCH/ESORT `RETURN (…)` options (RFC 4731, 5182, 5267, 6203, 9394). */
export interface SearchReturnOptions {
  min: boolean;
  max: boolean;
  all: boolean;
  count: boolean;
  save: boolean;
  context: boolean;
  update: boolean;
  relevancy: boolean;
  partial: PartialRange | null;
}

/** RFC 5256 sort keys plus DISPLAYFROM/DISPLAYTO (RFC 5957). */
export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO'
  | 'RELEVANCY';

export interface SortCriterion {
  key: SortKey;
  reverse: boolean;
}

/** STATUS data items (RFC 3501, 7162, 8438, 9051, 7889, 8474). */
export type StatusItem =
  | 'MESSAGES'
  | 'RECENT'
  | 'UIDNEXT'
  | 'UIDVALIDITY'
  | 'UNSEEN'
  | 'HIGHESTMODSEQ'
  | 'SIZE'
  | 'DELETED'
  | 'APPENDLIMIT'
  | 'MAILBOXID';

/** The arguments of LIST (RFC 3501, extended by RFC 5258, 5819, 6154). */
export interface ListArguments {
  selection: {
    subscribed: boolean;
    remote: boolean;
    recursiveMatch: boolean;
    specialUse: boolean;
  };
  /** reference name, decoded (modified UTF-7 unless UTF8=ACCEPT) */
  reference: string;
  /** one or more patterns with `%` and `*` wildcards, decoded */
  patterns: string[];
  returns: {
    subscribed: boolean;
    children: boolean;
    specialUse: boolean;
    /** STATUS items to return with each mailbox (RFC 5819), or null */
    status: StatusItem[] | null;
  };
  /** selection or return options were given, or several patterns: answer in LIST-EXTENDED form */
  extended: boolean;
}

/** The arguments of STORE after the sequence set. */
export interface StoreArguments {
  /** UNCHANGEDSINCE modifier (RFC 7162 §3.1.3), or null */
  unchangedSince: bigint | null;
  /** FLAGS replaces, +FLAGS adds, -FLAGS removes */
  mode: 'replace' | 'add' | 'remove';
  /** .SILENT: no untagged FETCH for the change itself */
  silent: boolean;
  /** normalised flags, duplicates removed */
  flags: string[];
}

/** QRESYNC parameter of SELECT/EXAMINE (RFC 7162 §3.2.5). */
export interface QresyncParams {
  uidValidity: number;
  modseq: bigint;
  knownUids: SequenceSet | null;
  /** message sequence numbers and the UIDs the client believes they have */
  seqMatch: { sequences: SequenceSet; uids: SequenceSet } | null;
}

export interface SelectParams {
  condstore: boolean;
  qresync: QresyncParams | null;
}

/** One part of a CATENATE (RFC 4469). */
export type CatenatePart =
  | { type: 'url'; url: string }
  | { type: 'text'; bytes: Buffer; binary: boolean };

export type AppendData =
  /** a literal, literal8 (`binary`), or RFC 6855 `UTF8 (~{n}…)` (`utf8`) */
  | { type: 'literal'; bytes: Buffer; binary: boolean; utf8: boolean }
  | { type: 'catenate'; parts: CatenatePart[] };

/** One message of APPEND/MULTIAPPEND (RFC 3502). */
export interface AppendMessage {
  /** normalised flags; [] when none were given */
  flags: string[];
  /** INTERNALDATE requested by the client, or null */
  date: Date | null;
  data: AppendData;
}

/** SETACL mod-rights (RFC 4314 §3.1). */
export interface ModRights {
  mode: 'replace' | 'add' | 'remove';
  /** canonical rights string: obsolete c/d expanded, sorted, no duplicates */
  rights: string;
}

export interface QuotaLimit {
  /** upper-cased resource name, e.g. STORAGE (in KiB) or MESSAGE */
  resource: string;
  limit: number;
}

export interface SetQuotaArguments {
  root: string;
  limits: QuotaLimit[];
}
