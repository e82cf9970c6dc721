// The parsed view of a message, computed once when the message arrives (APPEND, LMTP, aox import)
// and stored beside the original bytes. Nothing here ever replaces the original: FETCH BODY[]
// always serves the stored bytes.

/** A value as IMAP writes it: NIL, a number, a string (quoted or literal), or a parenthesised list. */
export type ImapValue = null | number | string | Buffer | ImapValue[];

/** One mailbox address, decoded for display and search (RFC 2047 words decoded to UTF-8). */
export interface Address {
  name: string | null;
  /** local part as written (kept as-is, so SEARCH FROM and SORT see what the sender wrote) */
  localpart: string;
  domain: string;
}

/** Byte offsets of one body part inside the raw message, so BODY[section] is a slice. */
export interface PartInfo {
  /** IMAP section number: "" for the whole message, "1", "1.2", … */
  section: string;
  /** offset of the part's MIME header (for the root: 0) */
  start: number;
  /** offset of the part's body (after the blank line ending its header) */
  bodyStart: number;
  /** offset just after the part's body (excluding the CRLF that precedes a boundary) */
  end: number;
  /** lower-cased "type/subtype" as parsed (defaults applied) */
  contentType: string;
  /** lower-cased Content-Transfer-Encoding, "7bit" when absent */
  encoding: string;
  /** charset parameter, lower-cased, if any */
  charset: string | null;
  /** for message/rfc822 parts: offset just after the encapsulated message's header block */
  messageHeaderEnd?: number;
  /** decoded file name (Content-Disposition filename, else Content-Type name), if any */
  filename?: string;
}

export interface ParsedMessage {
  /** RFC822.SIZE: the byte length of the stored original */
  size: number;
  /** bytes of the top-level header block including the blank line that ends it */
  headerSize: number;
  /** ENVELOPE (RFC 3501 §7.4.2) as an IMAP value; strings are the raw (undecoded) header text */
  envelope: ImapValue;
  /** BODYSTRUCTURE, with extension data */
  bodystructure: ImapValue;
  /** BODY (BODYSTRUCTURE without extension data) */
  body: ImapValue;
  /** every body part and its byte offsets, root ("") first, in section order */
  parts: PartInfo[];
  /** top-level header fields in order: [name as written, value unfolded and RFC 2047/2231-decoded to UTF-8] */
  headers: Array<[string, string]>;
  /** decoded Subject, or null */
  subject: string | null;
  /** RFC 5256 §2.1 base subject (for SORT SUBJECT and THREAD) */
  baseSubject: string;
  from: Address[];
  /** Sender, or From when Sender is absent or empty (as in ENVELOPE, RFC 3501 §7.4.2) */
  sender: Address[];
  /** Reply-To, or From when Reply-To is absent or empty (as in ENVELOPE) */
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
  /** the Date: field parsed, or null when missing or unparsable */
  date: Date | null;
  /** Message-ID with angle brackets, or null */
  messageId: string | null;
  /** In-Reply-To message ids, with angle brackets */
  inReplyTo: string[];
  /** References message ids, with angle brackets, oldest first */
  references: string[];
  /** decoded text of all text parts (HTML reduced to text), UTF-8, for SEARCH BODY/TEXT */
  bodyText: string;
  /** what could not be parsed cleanly; non-empty means "stored anyway, marked for aox reparse" */
  problems: string[];
}
