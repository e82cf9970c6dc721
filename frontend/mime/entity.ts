// Builds the MIME tree of a message in one pass over the raw bytes: every entity (the message,
// each body part, each encapsulated message) with its header block and byte offsets. Broken
// structure is repaired the way Dovecot does, and whatever cannot be a multipart or a
// message/rfc822 any more is reported as a simpler type, so that BODYSTRUCTURE stays valid.

import { endBeforeLine } from './bytes.ts';
import type { Param } from './content-type.ts';
import { parseContentType, parseParameterized } from './content-type.ts';
import type { HeaderBlock } from './header-block.ts';
import { fieldBinaryText, findField, parseHeaderBlock } from './header-block.ts';
import type { Delimiter } from './multipart.ts';
import { findDelimiter, matchDelimiter } from './multipart.ts';
import type { Problems } from './problems.ts';
import { quoteForProblem } from './problems.ts';

export type EntityKind = 'leaf' | 'multipart' | 'message';

export interface Entity {
  /** offset of the entity's header */
  start: number;
  /** offset of its body */
  bodyStart: number;
  /** offset just after its body */
  end: number;
  header: HeaderBlock;
  kind: EntityKind;
  /** lower case, as reported (defaults and repairs applied) */
  type: string;
  subtype: string;
  /** Content-Type parameters as BODYSTRUCTURE reports them */
  params: Param[];
  /** lower-case parameter name → decoded value */
  decodedParams: Map<string, string>;
  /** lower-case Content-Transfer-Encoding, "7bit" when absent */
  encoding: string;
  /** lower-case charset parameter, or null */
  charset: string | null;
  /** decoded file name: Content-Disposition filename, else Content-Type name */
  filename: string | null;
  /** the parts of a multipart */
  children: Entity[];
  /** the encapsulated message of a message/rfc822 part */
  message: Entity | null;
}

/** Nesting deeper than this is hostile or broken; deeper multiparts are reported as opaque. */
export const MAX_DEPTH = 100;
/** Dovecot's default limit; beyond it, boundaries are no longer looked for. */
export const MAX_PARTS = 10000;
const MAX_BOUNDARY = 200;

interface Context {
  raw: Buffer;
  problems: Problems;
  partsLeft: number;
  exhausted: boolean;
}

interface Parsed {
  entity: Entity;
  /** the delimiter line that ended the entity, or null at the end of the message */
  stop: Delimiter | null;
}

const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

/** Parses the whole message into its MIME tree. */
export function parseTree(raw: Buffer, problems: Problems): Entity {
  const ctx: Context = { raw, problems, partsLeft: MAX_PARTS, exhausted: false };
  return parseEntity(ctx, 0, [], 0, false).entity;
}

function setType(e: Entity, type: string, subtype: string): void {
  e.kind = 'leaf';
  e.type = type;
  e.subtype = subtype;
  e.params = [];
  e.decodedParams = new Map();
  e.charset = null;
}

function describe(ctx: Context, e: Entity, inDigest: boolean): Map<string, string> {
  const { raw, problems } = ctx;
  const cte = findField(e.header, 'content-transfer-encoding');
  if (cte !== null) {
    const value = parseParameterized(fieldBinaryText(raw, cte), problems).value.toLowerCase();
    if (value !== '') e.encoding = value;
  }
  const disposition = findField(e.header, 'content-disposition');
  if (disposition !== null) {
    const name = parseParameterized(fieldBinaryText(raw, disposition), problems).decoded.get('filename');
    if (name !== undefined && name !== '') e.filename = name;
  }
  const ctField = findField(e.header, 'content-type');
  if (ctField === null) {
    if (inDigest) {
      e.kind = 'message';
      e.type = 'message';
      e.subtype = 'rfc822';
    }
    return new Map();
  }
  const text = fieldBinaryText(raw, ctField);
  const ct = parseContentType(text, problems);
  if (ct === null) {
    problems.add(`unparsable Content-Type ${quoteForProblem(text)}`);
    return new Map();
  }
  e.type = ct.type;
  e.subtype = ct.subtype;
  e.params = ct.params;
  e.decodedParams = ct.decoded;
  const name = ct.decoded.get('name');
  if (e.filename === null && name !== undefined && name !== '') e.filename = name;
  const charset = ct.decoded.get('charset');
  e.charset = charset === undefined || charset.trim() === '' ? null : charset.trim().toLowerCase();
  if (ct.type === 'multipart') e.kind = 'multipart';
  // message/global (RFC 6532) stays a basic type: IMAP4rev1 clients expect an envelope only
  // after "MESSAGE" "RFC822".
  else if (ct.type === 'message' && ct.subtype === 'rfc822') e.kind = 'message';
  return ct.exact;
}

function parseEntity(ctx: Context, start: number, stack: readonly Buffer[], depth: number, inDigest: boolean): Parsed {
  const { raw, problems } = ctx;
  const isDelimiter = stack.length === 0 || ctx.exhausted
    ? null
    : (p: number): boolean => matchDelimiter(raw, p, stack) !== null;
  const header = parseHeaderBlock(raw, start, isDelimiter, problems);
  const e: Entity = {
    start, bodyStart: header.bodyStart, end: header.bodyStart, header, kind: 'leaf',
    type: 'text', subtype: 'plain', params: [], decodedParams: new Map(), encoding: '7bit',
    charset: null, filename: null, children: [], message: null,
  };
  const exact = describe(ctx, e, inDigest);

  if (header.stoppedAt !== -1) {
    // The part's header ran into a delimiter: it has no body.
    if (e.kind === 'multipart') {
      problems.add('multipart without a body');
      setType(e, 'text', 'plain');
    } else if (e.kind === 'message') {
      e.message = emptyEntity(e.end);
    }
    return { entity: e, stop: matchDelimiter(raw, header.stoppedAt, stack) };
  }
  if (e.kind !== 'leaf' && depth >= MAX_DEPTH) {
    problems.add(`MIME parts nested deeper than ${MAX_DEPTH} levels; the rest is opaque`);
    setType(e, 'application', 'octet-stream');
  }
  if (e.kind === 'message' && !IDENTITY_ENCODINGS.has(e.encoding)) {
    // An encoded message/rfc822 (forbidden by RFC 2046 §5.2.1) has no header to slice.
    problems.add(`message/rfc822 part with ${quoteForProblem(e.encoding)} encoding treated as opaque`);
    setType(e, 'application', 'octet-stream');
  }
  if (e.kind === 'multipart') {
    // RFC 2046 forbids trailing spaces in a boundary; senders add them anyway. (No regex here:
    // /[ \t]+$/ is quadratic on a long run of inner spaces.)
    let boundary = exact.get('boundary') ?? '';
    if (boundary.length > MAX_BOUNDARY) boundary = boundary.slice(0, MAX_BOUNDARY);
    let len = boundary.length;
    while (len > 0 && (boundary[len - 1] === ' ' || boundary[len - 1] === '\t')) len--;
    boundary = boundary.slice(0, len);
    if (boundary === '') {
      problems.add('multipart without a boundary parameter; treated as text/plain');
      setType(e, 'text', 'plain');
    } else {
      return parseMultipartBody(ctx, e, Buffer.from(boundary, 'latin1'), stack, depth);
    }
  }
  if (e.kind === 'message') {
    const inner = parseEntity(ctx, e.bodyStart, stack, depth + 1, false);
    e.message = inner.entity;
    e.end = inner.entity.end;
    return { entity: e, stop: inner.stop };
  }
  return parseLeafBody(ctx, e, stack);
}

function parseLeafBody(ctx: Context, e: Entity, stack: readonly Buffer[]): Parsed {
  const stop = ctx.exhausted ? null : findDelimiter(ctx.raw, e.bodyStart, stack);
  e.end = stop === null ? ctx.raw.length : endBeforeLine(ctx.raw, stop.lineStart, e.bodyStart);
  return { entity: e, stop };
}

/** A multipart whose own boundary never delimits a part: its body is shown as text. */
function degradeMultipart(ctx: Context, e: Entity, stack: readonly Buffer[], why: string): Parsed {
  ctx.problems.add(`${why}; multipart treated as text/plain`);
  setType(e, 'text', 'plain');
  return parseLeafBody(ctx, e, stack);
}

function parseMultipartBody(ctx: Context, e: Entity, boundary: Buffer, stack: readonly Buffer[], depth: number): Parsed {
  const { raw, problems } = ctx;
  const inner = [...stack, boundary];
  const own = inner.length - 1;
  let d = ctx.exhausted ? null : findDelimiter(raw, e.bodyStart, inner);
  while (true) {
    if (d === null) {
      if (e.children.length === 0) return degradeMultipart(ctx, e, stack, 'boundary never found');
      if (!ctx.exhausted) problems.add('missing close delimiter');
      e.end = raw.length;
      return { entity: e, stop: null };
    }
    if (d.depth !== own) {
      if (e.children.length === 0) return degradeMultipart(ctx, e, stack, 'boundary never found');
      problems.add('missing close delimiter');
      e.end = endBeforeLine(raw, d.lineStart, e.bodyStart);
      return { entity: e, stop: d };
    }
    if (d.close) {
      if (e.children.length === 0) return degradeMultipart(ctx, e, stack, 'multipart with no parts');
      // The epilogue runs to the next delimiter of an enclosing multipart.
      const stop = ctx.exhausted ? null : findDelimiter(raw, d.next, stack);
      e.end = stop === null ? raw.length : endBeforeLine(raw, stop.lineStart, e.bodyStart);
      return { entity: e, stop };
    }
    if (ctx.partsLeft <= 0) {
      ctx.exhausted = true;
      problems.add(`more than ${MAX_PARTS} MIME parts; the rest is not split`);
      if (e.children.length === 0) setType(e, 'text', 'plain');
      e.end = raw.length;
      return { entity: e, stop: null };
    }
    ctx.partsLeft--;
    const child = parseEntity(ctx, d.next, inner, depth + 1, e.subtype === 'digest');
    e.children.push(child.entity);
    d = child.stop;
  }
}

function emptyEntity(at: number): Entity {
  return {
    start: at, bodyStart: at, end: at, header: { fields: [], bodyStart: at, stoppedAt: -1 }, kind: 'leaf',
    type: 'text', subtype: 'plain', params: [], decodedParams: new Map(), encoding: '7bit',
    charset: null, filename: null, children: [], message: null,
  };
}
