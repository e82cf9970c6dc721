// BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2) from the MIME tree. Type, subtype,
// encoding, disposition and parameter names are upper-cased (as in the RFC's examples; clients
// compare them case-insensitively); values are as written. Sizes are in octets of the stored
// bytes, so that BODY[section] always has exactly the size BODYSTRUCTURE announces.

import { countLines } from './bytes.ts';
import type { Param } from './content-type.ts';
import { parseParameterized } from './content-type.ts';
import type { Entity } from './entity.ts';
import { envelopeValue, readEnvelope } from './envelope.ts';
import { fieldBinaryText, fieldText, findField } from './header-block.ts';
import type { Problems } from './problems.ts';
import type { ImapValue } from './types.ts';

function paramList(params: Param[], defaultCharset: boolean): ImapValue {
  const out: ImapValue[] = [];
  let seenCharset = false;
  for (const p of params) {
    const name = p.name.toUpperCase();
    if (name === 'CHARSET') seenCharset = true;
    out.push(name, p.value);
  }
  // RFC 2045 §5.2: text without a charset is us-ascii; say so, as Dovecot does.
  if (defaultCharset && !seenCharset) out.push('CHARSET', 'us-ascii');
  return out.length === 0 ? null : out;
}

function nstring(raw: Buffer, e: Entity, key: string): string | null {
  const f = findField(e.header, key);
  return f === null ? null : fieldText(raw, f);
}

function disposition(raw: Buffer, e: Entity, problems: Problems): ImapValue {
  const f = findField(e.header, 'content-disposition');
  if (f === null) return null;
  const parsed = parseParameterized(fieldBinaryText(raw, f), problems);
  if (parsed.value === '') return null;
  return [parsed.value.toUpperCase(), paramList(parsed.params, false)];
}

function language(raw: Buffer, e: Entity): ImapValue {
  const value = nstring(raw, e, 'content-language');
  if (value === null) return null;
  const tags = value.replace(/\([^()]*\)/g, ' ').split(/[\s,]+/).filter((t) => t !== '');
  return tags.length === 0 ? null : tags;
}

function location(raw: Buffer, e: Entity): ImapValue {
  const value = nstring(raw, e, 'content-location');
  // RFC 2557 §4.4.1: folding whitespace inside the URI is not part of it.
  return value === null ? null : value.replace(/[ \t]+/g, '');
}

/** body-ext-1part / body-ext-mpart after the MD5 or parameters. */
function commonExtension(raw: Buffer, e: Entity, problems: Problems): ImapValue[] {
  return [disposition(raw, e, problems), language(raw, e), location(raw, e)];
}

/** BODYSTRUCTURE (extended) or BODY (not extended) of an entity. */
export function bodyStructure(raw: Buffer, e: Entity, extended: boolean, problems: Problems): ImapValue {
  if (e.kind === 'multipart') {
    const out: ImapValue[] = e.children.map((c) => bodyStructure(raw, c, extended, problems));
    out.push(e.subtype.toUpperCase());
    if (extended) out.push(paramList(e.params, false), ...commonExtension(raw, e, problems));
    return out;
  }
  const isText = e.type === 'text';
  const out: ImapValue[] = [
    e.type.toUpperCase(),
    e.subtype.toUpperCase(),
    paramList(e.params, isText),
    nstring(raw, e, 'content-id'),
    nstring(raw, e, 'content-description'),
    e.encoding.toUpperCase(),
    e.end - e.bodyStart,
  ];
  if (isText) {
    out.push(countLines(raw, e.bodyStart, e.end));
  } else if (e.kind === 'message' && e.message !== null) {
    out.push(
      envelopeValue(readEnvelope(raw, e.message.header, problems)),
      bodyStructure(raw, e.message, extended, problems),
      countLines(raw, e.bodyStart, e.end),
    );
  }
  if (extended) out.push(nstring(raw, e, 'content-md5'), ...commonExtension(raw, e, problems));
  return out;
}
