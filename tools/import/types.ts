// What the mbox and maildir readers hand to the importer.

/** One message as found in the input, before parsing. */
export interface SourceMessage {
  kind: 'message';
  /** the message's bytes exactly as stored (mbox: without the From_ line and separator) */
  raw: Buffer;
  /** the file it came from */
  file: string;
  /** mbox: byte offset of its From_ line in the file */
  offset?: number;
  /** 1-based position in its file (mbox) or its directory listing (maildir) */
  index: number;
  /** the internal date the container records (From_ line, file time) */
  date: Date;
  /** flags the container records outside the message (maildir file name); mbox flags are headers */
  flags: string[];
  /** true when flags should also be read from Status/X-Status/X-Keywords/X-Mozilla-* fields */
  headerFlags: boolean;
}

/** Input that could not be read: reported, skipped, and it makes the import exit non-zero. */
export interface SourceProblem {
  kind: 'problem';
  file: string;
  offset?: number;
  index?: number;
  reason: string;
  /** bytes of input that were not imported because of it (for the summary) */
  bytes: number;
}

export type SourceItem = SourceMessage | SourceProblem;

export type SourceFormat = 'mbox' | 'maildir';
