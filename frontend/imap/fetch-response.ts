// FETCH data items (RFC 3501 §7.4.2, RFC 3516, RFC 7162, RFC 8474, RFC 8514) from rows of
// api.messages_fetch: which costly columns a request needs, and the response values of one
// message. ENVELOPE and BODYSTRUCTURE were computed when the message arrived and are only
// converted from their stored JSON form here.
import { imapValueFromJson, type JsonImapValue } from '../db/message-meta.ts';
import type { PartInfo } from '../mime/types.ts';
import { atom, literal, section as label, type ResponseValue } from './compiler.ts';
import { fetchItemLabel } from './grammar/fetch-attributes.ts';
import { binaryBytes, sectionBytes, slicePartial, type StoredBytes } from './message-sections.ts';
import type { FetchAttribute, Section } from './types.ts';

export interface FetchRow {
  uid: number;
  modseq: number;
  flags: string[];
  internaldate: Date;
  savedate: Date | null;
  size: number;
  message: number;
  thread_root: number;
  envelope: JsonImapValue | null;
  body: JsonImapValue | null;
  bodystructure: JsonImapValue | null;
  parts: PartInfo[] | null;
  header: Buffer | null;
  raw: Buffer | null;
  body_text: Buffer | null;
}

/** The costly columns api.messages_fetch must return for these attributes. */
export function fetchFields(attributes: readonly FetchAttribute[]): string[] {
  const f = new Set<string>();
  for (const a of attributes) {
    switch (a.type) {
      case 'envelope': f.add('envelope'); break;
      case 'body': f.add('body'); break;
      case 'bodystructure': f.add('bodystructure'); break;
      case 'rfc822': f.add('raw'); break;
      case 'rfc822.header': f.add('header'); break;
      case 'rfc822.text': f.add('text'); break;
      case 'section':
        if (a.section.part.length > 0) {
          f.add('raw');
          f.add('parts');
        } else if (a.section.text === null) f.add('raw');
        else if (a.section.text === 'TEXT') f.add('text');
        else f.add('header');
        break;
      case 'binary':
      case 'binary.size':
        f.add('raw');
        if (a.part.length > 0) f.add('parts');
        break;
      default:
        break;
    }
  }
  return [...f];
}

/** True when the fields include message bytes (which make a row as large as its message). */
export function fieldsNeedBytes(fields: readonly string[]): boolean {
  return fields.includes('raw') || fields.includes('text') || fields.includes('header');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 3501 date-time, in UTC: "17-Jul-1996 02:44:25 +0000". */
export function imapDateTime(d: Date): string {
  return `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Thrown for BINARY of a part whose encoding cannot be undone (NO [UNKNOWN-CTE]). */
export class UnknownCte extends Error {}

export interface ItemOptions {
  /** FLAGS as the client sees them (stored flags plus \Recent) */
  flags: ResponseValue[];
  /** add UID even if not asked (UID FETCH, RFC 3501 §6.4.8) */
  withUid: boolean;
  /** add FLAGS even if not asked (the fetch set \Seen) */
  withFlags: boolean;
  /** add MODSEQ even if not asked (CHANGEDSINCE, or CONDSTORE and an implicit flag change) */
  withModseq: boolean;
}

function stored(row: FetchRow): StoredBytes {
  return { raw: row.raw, header: row.header, text: row.body_text, parts: row.parts };
}

/**
 * A literal cannot carry NUL (RFC 3501 §4.3; literal8 is for BINARY only, RFC 3516 §4.2). Content
 * with NUL (binary APPENDed with literal8) is sent as a server that had converted it on APPEND
 * would: a part's body base64-encoded; anywhere else each NUL becomes a space. BINARY[] returns
 * the bytes as they are.
 */
const WHOLE: Section = { part: [], text: null, fields: [] };

function wireSafe(bytes: Buffer, section: Section): Buffer {
  if (!bytes.includes(0)) return bytes;
  if (section.part.length > 0 && section.text === null) {
    return Buffer.from(bytes.toString('base64').replace(/.{76}/g, '$&\r\n'), 'latin1');
  }
  const copy = Buffer.from(bytes);
  for (let i = copy.indexOf(0); i >= 0; i = copy.indexOf(0, i + 1)) copy[i] = 0x20;
  return copy;
}

/** The parenthesised data items of `* n FETCH (…)` for one message. */
export function fetchItems(row: FetchRow, attributes: readonly FetchAttribute[], o: ItemOptions): ResponseValue[] {
  const out: ResponseValue[] = [];
  const types = new Set(attributes.map((a) => a.type));
  if (o.withUid && !types.has('uid')) out.push(atom('UID'), row.uid);
  for (const a of attributes) {
    switch (a.type) {
      case 'uid': out.push(atom('UID'), row.uid); break;
      case 'flags': out.push(atom('FLAGS'), o.flags); break;
      case 'modseq': out.push(atom('MODSEQ'), [row.modseq]); break;
      case 'internaldate': out.push(atom('INTERNALDATE'), imapDateTime(row.internaldate)); break;
      case 'savedate': out.push(atom('SAVEDATE'), row.savedate ? imapDateTime(row.savedate) : null); break;
      case 'rfc822.size': out.push(atom('RFC822.SIZE'), row.size); break;
      case 'emailid': out.push(atom('EMAILID'), [atom(`M${row.message}`)]); break;
      case 'threadid': out.push(atom('THREADID'), [atom(`T${row.thread_root}`)]); break;
      case 'envelope': out.push(atom('ENVELOPE'), imapValueFromJson(row.envelope ?? null) as ResponseValue); break;
      case 'body': out.push(atom('BODY'), imapValueFromJson(row.body ?? null) as ResponseValue); break;
      case 'bodystructure': out.push(atom('BODYSTRUCTURE'), imapValueFromJson(row.bodystructure ?? null) as ResponseValue); break;
      case 'rfc822': out.push(atom('RFC822'), literal(wireSafe(row.raw ?? Buffer.alloc(0), WHOLE))); break;
      case 'rfc822.header': out.push(atom('RFC822.HEADER'), literal(wireSafe(row.header ?? Buffer.alloc(0), WHOLE))); break;
      case 'rfc822.text': out.push(atom('RFC822.TEXT'), literal(wireSafe(row.body_text ?? Buffer.alloc(0), WHOLE))); break;
      case 'section': {
        const bytes = sectionBytes(stored(row), a.section);
        out.push(label(fetchItemLabel(a)), bytes === null ? null : literal(slicePartial(wireSafe(bytes, a.section), a.partial)));
        break;
      }
      case 'binary': {
        const bytes = binaryBytes(stored(row), a.part);
        if (bytes === 'unknown-cte') throw new UnknownCte();
        if (bytes === null) {
          out.push(label(fetchItemLabel(a)), null);
        } else {
          const part = slicePartial(bytes, a.partial);
          // literal8 only when the content has NUL, which a plain literal cannot carry
          out.push(label(fetchItemLabel(a)), literal(part, part.includes(0)));
        }
        break;
      }
      case 'binary.size': {
        const bytes = binaryBytes(stored(row), a.part);
        if (bytes === 'unknown-cte') throw new UnknownCte();
        out.push(label(fetchItemLabel(a)), bytes === null ? null : bytes.length);
        break;
      }
    }
  }
  if (o.withFlags && !types.has('flags')) out.push(atom('FLAGS'), o.flags);
  if (o.withModseq && !types.has('modseq')) out.push(atom('MODSEQ'), [row.modseq]);
  return out;
}
