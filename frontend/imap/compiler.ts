// The IMAP response compiler. Responses are built as values and compiled here; quoting and literal
// framing are decided in this file and nowhere else.
//
// Values:
//   null                   NIL
//   number, bigint         a number
//   string                 a quoted string when that is safe (short, printable, 7-bit — or UTF-8 with
//                          the utf8 option), else a literal of its UTF-8 bytes
//   Buffer                 a literal (a message's bytes are never guessed to be quotable)
//   { atom }               written verbatim: keywords, flags, NIL-free atoms
//   { section }            written verbatim: fetch item labels such as BODY[HEADER.FIELDS (FROM)]<0>
//   { raw }                pre-encoded bytes written verbatim
//   { literal, binary? }   always a literal; `binary` makes it an RFC 3516 literal8 (~{n})
//   SequenceSet            its compact form, 1:5,7
//   array                  a parenthesised list
//
// A FETCH response for a million messages goes through ResponseWriter: bytes are appended into large
// preallocated buffers (no per-byte string concatenation), big literals are passed through as their
// own chunks without copying, and the network layer writes the chunks as they are.

import { SequenceSet } from './seqset.ts';

export interface Atom {
  readonly atom: string;
}
export interface SectionLabel {
  readonly section: string;
}
export interface Raw {
  readonly raw: Buffer | string;
}
export interface ForcedLiteral {
  readonly literal: Buffer | string;
  /** send as literal8 (`~{n}`), as BINARY[…] does for content containing NUL */
  readonly binary?: boolean;
}

/** Values written one after another with no separator: RFC 3501's `1*body` of a multipart and
 *  `1*address` of an address list are adjacent parenthesised lists, `((…)(…) "MIXED")`. */
export interface Adjacent {
  readonly adjacent: readonly ResponseValue[];
}

export type ResponseValue =
  | Adjacent
  | null
  | number
  | bigint
  | string
  | Buffer
  | Atom
  | SectionLabel
  | Raw
  | ForcedLiteral
  | SequenceSet
  | readonly ResponseValue[];

/** Arguments of a response code: no literals there, so strings are always quoted (sanitised). */
export type CodeArgument = number | bigint | string | Atom | SequenceSet | readonly CodeArgument[];

/** A resp-text-code, e.g. `[UIDNEXT 5]`. Build them with `Code.*`. */
export interface ResponseCode {
  readonly code: string;
  readonly args?: readonly CodeArgument[];
}

export type Status = 'OK' | 'NO' | 'BAD';
export type UntaggedStatus = Status | 'BYE' | 'PREAUTH';

export interface CompileOptions {
  /**
   * The client enabled UTF8=ACCEPT (RFC 6855) or IMAP4rev2: quoted strings and response text may
   * carry UTF-8. Without it, non-ASCII strings become literals and non-ASCII text becomes "?".
   */
  utf8?: boolean;
  /** strings longer than this many bytes are sent as literals even when they could be quoted */
  maxQuoted?: number;
}

/** Atom value. */
export function atom(text: string): Atom {
  return { atom: text };
}

/** Fetch-item label written verbatim, e.g. `BODY[1.MIME]<0>`. */
export function section(text: string): SectionLabel {
  return { section: text };
}

/** Pre-encoded bytes written verbatim. */
export function raw(bytes: Buffer | string): Raw {
  return { raw: bytes };
}

/** A value that must be sent as a literal (or literal8 when `binary`). */
export function literal(bytes: Buffer | string, binary = false): ForcedLiteral {
  return binary ? { literal: bytes, binary } : { literal: bytes };
}

/** Response codes (RFC 3501 §7.1 and the extensions that add codes). */
export const Code = {
  alert: (): ResponseCode => ({ code: 'ALERT' }),
  alreadyExists: (): ResponseCode => ({ code: 'ALREADYEXISTS' }),
  appendUid: (uidValidity: number, uids: SequenceSet | number): ResponseCode => ({
    code: 'APPENDUID',
    args: [uidValidity, uids],
  }),
  authenticationFailed: (): ResponseCode => ({ code: 'AUTHENTICATIONFAILED' }),
  authorizationFailed: (): ResponseCode => ({ code: 'AUTHORIZATIONFAILED' }),
  badCharset: (charsets: readonly string[] = ['UTF-8', 'US-ASCII']): ResponseCode => ({
    code: 'BADCHARSET',
    args: charsets.length > 0 ? [charsets.map((c) => atomOrString(c))] : [],
  }),
  cannot: (): ResponseCode => ({ code: 'CANNOT' }),
  capability: (capabilities: readonly string[]): ResponseCode => ({
    code: 'CAPABILITY',
    args: capabilities.map(atom),
  }),
  clientBug: (): ResponseCode => ({ code: 'CLIENTBUG' }),
  closed: (): ResponseCode => ({ code: 'CLOSED' }),
  contactAdmin: (): ResponseCode => ({ code: 'CONTACTADMIN' }),
  compressionActive: (): ResponseCode => ({ code: 'COMPRESSIONACTIVE' }),
  /** RFC 4315: source and destination UIDs, in corresponding ascending order */
  copyUid: (uidValidity: number, source: SequenceSet, destination: SequenceSet): ResponseCode => ({
    code: 'COPYUID',
    args: [uidValidity, source, destination],
  }),
  corruption: (): ResponseCode => ({ code: 'CORRUPTION' }),
  expired: (): ResponseCode => ({ code: 'EXPIRED' }),
  expungeIssued: (): ResponseCode => ({ code: 'EXPUNGEISSUED' }),
  hasChildren: (): ResponseCode => ({ code: 'HASCHILDREN' }),
  highestModseq: (modseq: bigint | number): ResponseCode => ({ code: 'HIGHESTMODSEQ', args: [modseq] }),
  inUse: (): ResponseCode => ({ code: 'INUSE' }),
  limit: (): ResponseCode => ({ code: 'LIMIT' }),
  /** RFC 8474 */
  mailboxId: (id: string): ResponseCode => ({ code: 'MAILBOXID', args: [[atom(id)]] }),
  /** RFC 7162: messages that failed UNCHANGEDSINCE */
  modified: (set: SequenceSet): ResponseCode => ({ code: 'MODIFIED', args: [set] }),
  noModseq: (): ResponseCode => ({ code: 'NOMODSEQ' }),
  nonExistent: (): ResponseCode => ({ code: 'NONEXISTENT' }),
  noPerm: (): ResponseCode => ({ code: 'NOPERM' }),
  notSaved: (): ResponseCode => ({ code: 'NOTSAVED' }),
  overQuota: (): ResponseCode => ({ code: 'OVERQUOTA' }),
  parse: (): ResponseCode => ({ code: 'PARSE' }),
  permanentFlags: (flags: readonly string[]): ResponseCode => ({ code: 'PERMANENTFLAGS', args: [flags.map(atom)] }),
  privacyRequired: (): ResponseCode => ({ code: 'PRIVACYREQUIRED' }),
  readOnly: (): ResponseCode => ({ code: 'READ-ONLY' }),
  readWrite: (): ResponseCode => ({ code: 'READ-WRITE' }),
  serverBug: (): ResponseCode => ({ code: 'SERVERBUG' }),
  tooBig: (): ResponseCode => ({ code: 'TOOBIG' }),
  tryCreate: (): ResponseCode => ({ code: 'TRYCREATE' }),
  uidNext: (uid: number): ResponseCode => ({ code: 'UIDNEXT', args: [uid] }),
  uidNotSticky: (): ResponseCode => ({ code: 'UIDNOTSTICKY' }),
  uidValidity: (value: number): ResponseCode => ({ code: 'UIDVALIDITY', args: [value] }),
  unavailable: (): ResponseCode => ({ code: 'UNAVAILABLE' }),
  unknownCte: (): ResponseCode => ({ code: 'UNKNOWN-CTE' }),
  unseen: (msn: number): ResponseCode => ({ code: 'UNSEEN', args: [msn] }),
  /** any other code; `name` must be an atom */
  other: (name: string, ...args: CodeArgument[]): ResponseCode => ({ code: name, args }),
} as const;

function atomOrString(text: string): Atom | string {
  return /^[A-Za-z0-9._:+-]+$/.test(text) ? atom(text) : text;
}

const DEFAULT_MAX_QUOTED = 1024;
/** buffers of at least this many bytes are passed through as their own chunk instead of copied */
const PASS_THROUGH = 16 * 1024;
const BLOCK = 64 * 1024;
const CRLF = '\r\n';
/** RFC 3501 resp-text needs at least one character; used when the caller gave none */
const EMPTY_TEXT: Record<UntaggedStatus, string> = {
  OK: 'Completed',
  NO: 'Failed',
  BAD: 'Invalid command',
  BYE: 'Logging out',
  PREAUTH: 'Logged in',
};

/** How a string must be sent: 0 quoted as is, 1 quoted with escapes, 2 literal. */
function quoteClass(s: string, utf8: boolean, maxQuoted: number): 0 | 1 | 2 {
  if (s.length > maxQuoted) return 2;
  let cls: 0 | 1 = 0;
  let nonAscii = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 2;
    if (c === 0x22 || c === 0x5c) cls = 1;
    else if (c > 0x7e) {
      if (!utf8) return 2;
      nonAscii = true;
    }
  }
  // UTF-8 may take up to three bytes per UTF-16 unit
  if (nonAscii && s.length * 3 > maxQuoted && Buffer.byteLength(s, 'utf8') > maxQuoted) return 2;
  return cls;
}

/** resp-text: one line, no CR/LF/NUL, 7-bit unless utf8, never starting with "[". */
function sanitizeText(text: string, utf8: boolean): string {
  let clean = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c > 0x7e && !utf8)) {
      clean = false;
      break;
    }
  }
  let s = text;
  if (!clean) {
    const out: string[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d || c === 0x0a || c === 0) {
        // a line break becomes one space
        if (out.length > 0 && out[out.length - 1] !== ' ') out.push(' ');
      } else if (c < 0x20 || c === 0x7f || (c > 0x7e && !utf8)) {
        out.push('?');
      } else {
        out.push(text[i]);
      }
    }
    s = out.join('');
  }
  if (s.startsWith('[')) s = '(' + s.slice(1);
  return s;
}

/**
 * Accumulates responses as chunks of bytes. Reuse one writer for a whole FETCH: append responses,
 * and hand `take()`'s chunks to the socket whenever `length` grows large.
 */
export class ResponseWriter {
  private readonly utf8: boolean;
  private readonly maxQuoted: number;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private buf: Buffer;
  private start = 0;
  private len = 0;

  constructor(options: CompileOptions = {}) {
    this.utf8 = options.utf8 ?? false;
    this.maxQuoted = options.maxQuoted ?? DEFAULT_MAX_QUOTED;
    this.buf = Buffer.allocUnsafe(BLOCK);
  }

  /** bytes written and not yet taken */
  get length(): number {
    return this.chunkBytes + (this.len - this.start);
  }

  /** Returns what was written so far as chunks (in order) and starts afresh. */
  take(): Buffer[] {
    this.flushPending();
    const out = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return out;
  }

  /** Returns what was written so far as one Buffer and starts afresh. */
  toBuffer(): Buffer {
    const chunks = this.take();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }

  /** `* value value …` CRLF */
  untagged(...values: readonly ResponseValue[]): this {
    this.ascii('* ');
    this.list(values);
    this.ascii(CRLF);
    return this;
  }

  /** `* OK [code] text` CRLF (also NO, BAD, BYE, PREAUTH) */
  status(status: UntaggedStatus, code: ResponseCode | null, text: string): this {
    this.ascii('* ');
    this.statusBody(status, code, text);
    return this;
  }

  /** `tag OK [code] text` CRLF */
  tagged(tag: string, status: Status, code: ResponseCode | null, text: string): this {
    this.ascii(tag);
    this.ascii(' ');
    this.statusBody(status, code, text);
    return this;
  }

  /** `+ text` CRLF; text may be empty (as during AUTHENTICATE) or base64. */
  continuation(text = ''): this {
    this.ascii('+ ');
    if (text.length > 0) this.text(sanitizeText(text, this.utf8));
    this.ascii(CRLF);
    return this;
  }

  /** Writes one value (no separator). */
  value(v: ResponseValue): this {
    if (v === null) {
      this.ascii('NIL');
    } else if (typeof v === 'string') {
      this.string(v, true);
    } else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot send number ${v}`);
      this.ascii(String(v));
    } else if (typeof v === 'bigint') {
      if (v < 0n) throw new RangeError(`cannot send number ${v}`);
      this.ascii(v.toString());
    } else if (Buffer.isBuffer(v)) {
      this.literalBytes(v, false);
    } else if (Array.isArray(v)) {
      this.ascii('(');
      this.list(v as readonly ResponseValue[]);
      this.ascii(')');
    } else if (v instanceof SequenceSet) {
      this.ascii(v.format());
    } else if ('atom' in v) {
      this.ascii(v.atom);
    } else if ('section' in v) {
      this.ascii(v.section);
    } else if ('adjacent' in v) {
      for (const item of v.adjacent) this.value(item);
    } else if ('raw' in v) {
      if (typeof v.raw === 'string') this.text(v.raw);
      else this.bytes(v.raw);
    } else if ('literal' in v) {
      const bytes = typeof v.literal === 'string' ? Buffer.from(v.literal, 'utf8') : v.literal;
      this.literalBytes(bytes, v.binary ?? false);
    } else {
      throw new TypeError('not a response value');
    }
    return this;
  }

  /** Writes values separated by SP. */
  list(values: readonly ResponseValue[]): this {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.ascii(' ');
      this.value(values[i]);
    }
    return this;
  }

  // ---- internals ----

  private statusBody(status: UntaggedStatus, code: ResponseCode | null, text: string): void {
    this.ascii(status);
    this.ascii(' ');
    if (code) {
      this.ascii('[');
      this.ascii(code.code);
      if (code.args) {
        for (const a of code.args) {
          this.ascii(' ');
          this.codeArgument(a);
        }
      }
      this.ascii('] ');
    }
    const t = sanitizeText(text, this.utf8);
    this.text(t.length > 0 ? t : EMPTY_TEXT[status]);
    this.ascii(CRLF);
  }

  private codeArgument(a: CodeArgument): void {
    if (typeof a === 'string') {
      // RFC 3501 resp-text-code: clients read up to the first "]", quoted or not
      this.string(a.replace(/\]/g, '?'), false);
    } else if (Array.isArray(a)) {
      this.ascii('(');
      (a as readonly CodeArgument[]).forEach((x, i) => {
        if (i > 0) this.ascii(' ');
        this.codeArgument(x);
      });
      this.ascii(')');
    } else {
      this.value(a as ResponseValue);
    }
  }

  /** A JS string as quoted or (when allowed) literal. */
  private string(s: string, allowLiteral: boolean): void {
    let cls = quoteClass(s, this.utf8, this.maxQuoted);
    if (cls === 2 && !allowLiteral) {
      // inside a response code: no literal possible, so make it quotable
      s = sanitizeText(s, this.utf8).slice(0, this.maxQuoted);
      cls = 1;
    }
    if (cls === 2) {
      this.literalBytes(Buffer.from(s, 'utf8'), false);
      return;
    }
    if (cls === 1) s = s.replace(/["\\]/g, '\\$&');
    this.ascii('"');
    this.text(s);
    this.ascii('"');
  }

  private literalBytes(bytes: Buffer, binary: boolean): void {
    this.ascii(binary ? `~{${bytes.length}}\r\n` : `{${bytes.length}}\r\n`);
    this.bytes(bytes);
  }

  /** Appends text that is known to be safe; UTF-8 encoded. */
  private text(s: string): void {
    // ASCII-only text is the common case and latin1 writing is cheapest
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) this.ascii(s);
    else this.bytes(Buffer.from(s, 'utf8'));
  }

  /** Appends an ASCII string. */
  private ascii(s: string): void {
    const n = s.length;
    if (this.len + n > this.buf.length) this.grow(n);
    if (n < 24) {
      // most pieces are tiny ("(", "UID", " "): a plain loop beats a native call per piece
      const buf = this.buf;
      let o = this.len;
      for (let i = 0; i < n; i++) buf[o++] = s.charCodeAt(i);
      this.len = o;
    } else {
      this.len += this.buf.write(s, this.len, 'latin1');
    }
  }

  private bytes(b: Buffer): void {
    if (b.length >= PASS_THROUGH) {
      this.flushPending();
      this.chunks.push(b);
      this.chunkBytes += b.length;
      return;
    }
    if (this.len + b.length > this.buf.length) this.grow(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  /** Moves the written part of the current block into the chunk list. */
  private flushPending(): void {
    if (this.len > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.len));
      this.chunkBytes += this.len - this.start;
    }
    this.start = this.len;
  }

  /** Starts a new block with room for at least `need` bytes; written bytes are not copied. */
  private grow(need: number): void {
    this.flushPending();
    this.buf = Buffer.allocUnsafe(Math.max(BLOCK, need));
    this.start = 0;
    this.len = 0;
  }
}

/** `* …` CRLF as a Buffer. */
export function untagged(...values: readonly ResponseValue[]): Buffer {
  return new ResponseWriter().untagged(...values).toBuffer();
}

/** untagged() with options (e.g. utf8). */
export function compileUntagged(values: readonly ResponseValue[], options?: CompileOptions): Buffer {
  return new ResponseWriter(options).untagged(...values).toBuffer();
}

/** `* OK|NO|BAD|BYE|PREAUTH [code] text` CRLF */
export function untaggedStatus(
  status: UntaggedStatus,
  code: ResponseCode | null,
  text: string,
  options?: CompileOptions,
): Buffer {
  return new ResponseWriter(options).status(status, code, text).toBuffer();
}

/** `tag OK|NO|BAD [code] text` CRLF. The code may be left out: tagged(tag, 'OK', 'done'). */
export function tagged(tag: string, status: Status, text: string): Buffer;
export function tagged(tag: string, status: Status, code: ResponseCode | null, text: string, options?: CompileOptions): Buffer;
export function tagged(
  tag: string,
  status: Status,
  codeOrText: ResponseCode | null | string,
  text?: string,
  options?: CompileOptions,
): Buffer {
  const w = new ResponseWriter(options);
  if (typeof codeOrText === 'string') w.tagged(tag, status, null, codeOrText);
  else w.tagged(tag, status, codeOrText, text ?? '');
  return w.toBuffer();
}

/** `+ text` CRLF */
export function continuation(text = ''): Buffer {
  return new ResponseWriter().continuation(text).toBuffer();
}

/** Compiles a single value (handy for tests and for pre-encoding stored ENVELOPEs). */
export function compileValue(value: ResponseValue, options?: CompileOptions): Buffer {
  return new ResponseWriter(options).value(value).toBuffer();
}
