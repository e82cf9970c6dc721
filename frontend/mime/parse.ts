// parseMessage: everything IMAP (and SEARCH, SORT, THREAD) needs from a message, computed once
// when it arrives. Never throws: a message that cannot be parsed is still a message, and the
// parsed view is the best guess, with what went wrong listed in `problems`.

import { LF } from './bytes.ts';
import { decodedAddresses } from './address.ts';
import { baseSubject } from './base-subject.ts';
import { bodyStructure } from './bodystructure.ts';
import { parseDate } from './date.ts';
import type { Entity } from './entity.ts';
import { parseTree } from './entity.ts';
import { envelopeValue, readEnvelope } from './envelope.ts';
import { fieldText, findField } from './header-block.ts';
import { decodeFieldValue } from './header-values.ts';
import { messageId, messageIds } from './message-id.ts';
import { Problems, quoteForProblem } from './problems.ts';
import { sectionList } from './sections.ts';
import { extractText } from './text-extract.ts';
import type { ParsedMessage } from './types.ts';

export type { ParsedMessage } from './types.ts';

function headerList(raw: Buffer, root: Entity, problems: Problems): Array<[string, string]> {
  return root.header.fields.map((f): [string, string] => [f.name, decodeFieldValue(raw, f, problems)]);
}

function parse(raw: Buffer): ParsedMessage {
  const problems = new Problems();
  const root = parseTree(raw, problems);
  const header = root.header;
  const env = readEnvelope(raw, header, problems);
  const headers = headerList(raw, root, problems);

  const subjectAt = header.fields.findIndex((f) => f.key === 'subject');
  const subject = subjectAt === -1 ? null : headers[subjectAt][1];

  const date = env.date === null ? null : parseDate(env.date);
  if (env.date !== null && date === null) problems.add(`unparsable Date ${quoteForProblem(env.date)}`);

  const inReplyTo = findField(header, 'in-reply-to');
  const references = findField(header, 'references');

  return {
    size: raw.length,
    headerSize: root.bodyStart,
    envelope: envelopeValue(env),
    bodystructure: bodyStructure(raw, root, true, problems),
    body: bodyStructure(raw, root, false, problems),
    parts: sectionList(root),
    headers,
    subject,
    baseSubject: baseSubject(subject ?? ''),
    from: decodedAddresses(env.from, problems),
    sender: decodedAddresses(env.sender, problems),
    replyTo: decodedAddresses(env.replyTo, problems),
    to: decodedAddresses(env.to, problems),
    cc: decodedAddresses(env.cc, problems),
    bcc: decodedAddresses(env.bcc, problems),
    date,
    messageId: messageId(env.messageId),
    inReplyTo: inReplyTo === null ? [] : messageIds(fieldText(raw, inReplyTo)),
    references: references === null ? [] : messageIds(fieldText(raw, references)),
    bodyText: extractText(raw, root, problems),
    problems: problems.list,
  };
}

/**
 * The last line of defence: if the parser itself has a bug, the message is stored with a minimal
 * but valid parsed view (one text/plain body) rather than refused. Exported for its tests.
 */
export function unparsedView(raw: Buffer, error: unknown): ParsedMessage {
  let headerSize = raw.length;
  for (let p = raw.indexOf(LF); p !== -1; p = raw.indexOf(LF, p + 1)) {
    if (raw[p + 1] === LF) { headerSize = p + 2; break; }
    if (raw[p + 1] === 0x0d && raw[p + 2] === LF) { headerSize = p + 3; break; }
  }
  if (raw.length > 0 && (raw[0] === LF || (raw[0] === 0x0d && raw[1] === LF))) headerSize = raw[0] === LF ? 1 : 2;
  const size = raw.length - headerSize;
  const basic = ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', size, 0];
  const part = { start: 0, bodyStart: headerSize, end: raw.length, contentType: 'text/plain', encoding: '7bit', charset: null };
  const message = error instanceof Error ? error.message : String(error);
  return {
    size: raw.length,
    headerSize,
    envelope: [null, null, null, null, null, null, null, null, null, null],
    bodystructure: [...basic, null, null, null, null],
    body: basic,
    parts: [{ section: '', ...part }, { section: '1', ...part }],
    headers: [],
    subject: null,
    baseSubject: '',
    from: [], sender: [], replyTo: [], to: [], cc: [], bcc: [],
    date: null,
    messageId: null,
    inReplyTo: [],
    references: [],
    bodyText: '',
    problems: [`internal parser error: ${message.slice(0, 200)}`],
  };
}

/** Parses a message. Never throws, whatever `raw` holds. */
export function parseMessage(raw: Buffer): ParsedMessage {
  // Callers in plain JavaScript may hand in a Uint8Array (or worse); Buffer methods are needed.
  const input: unknown = raw;
  let buf: Buffer;
  if (Buffer.isBuffer(input)) buf = input;
  else if (input instanceof Uint8Array) buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  else buf = Buffer.alloc(0);
  try {
    return parse(buf);
  } catch (error) {
    return unparsedView(buf, error);
  }
}
