// IMAP section numbers (RFC 3501 §6.4.5) and byte offsets for every part, so that BODY[1.2],
// BODY[1.2.MIME], BODY[2.HEADER] and BODY[2.TEXT] are plain slices of the stored message.
//
// The numbering rule: the parts of a multipart are numbered 1…n under it; a message (the whole
// message or an encapsulated message/rfc822) that is not multipart has one part, "1", which is
// its body (with the message's header standing in as its MIME header); a message/rfc822 part's
// encapsulated message's parts are numbered under the message/rfc822 part itself.

import type { Entity } from './entity.ts';
import type { PartInfo } from './types.ts';

function info(e: Entity, section: string, withMessageHeader: boolean): PartInfo {
  const part: PartInfo = {
    section,
    start: e.start,
    bodyStart: e.bodyStart,
    end: e.end,
    contentType: `${e.type}/${e.subtype}`,
    encoding: e.encoding,
    charset: e.charset,
  };
  if (withMessageHeader && e.kind === 'message' && e.message !== null) part.messageHeaderEnd = e.message.bodyStart;
  if (e.filename !== null) part.filename = e.filename;
  return part;
}

function join(prefix: string, n: number): string {
  return prefix === '' ? String(n) : `${prefix}.${n}`;
}

/** The parts of a message's body: its multipart children, or its body as part "1". */
function addMessageParts(message: Entity, prefix: string, out: PartInfo[]): void {
  if (message.kind === 'multipart') {
    message.children.forEach((c, n) => addPart(c, join(prefix, n + 1), out));
  } else {
    addPart(message, join(prefix, 1), out);
  }
}

function addPart(e: Entity, section: string, out: PartInfo[]): void {
  out.push(info(e, section, true));
  if (e.kind === 'multipart') {
    e.children.forEach((c, n) => addPart(c, `${section}.${n + 1}`, out));
  } else if (e.kind === 'message' && e.message !== null) {
    addMessageParts(e.message, section, out);
  }
}

/** Every part of the message, the root ("") first, in section order. */
export function sectionList(root: Entity): PartInfo[] {
  const out: PartInfo[] = [info(root, '', false)];
  addMessageParts(root, '', out);
  return out;
}
