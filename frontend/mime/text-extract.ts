// The searchable text of a message (SEARCH BODY and TEXT): every text/* part transfer-decoded,
// converted to UTF-8 and, for HTML, reduced to what a reader sees; encapsulated messages
// contribute their main header fields and their text. Capped, since ten years of search index
// must not be dominated by a few huge logs someone mailed around.

import type { Entity } from './entity.ts';
import { bytesToText } from './bytes.ts';
import { decodeCharset } from './charset.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import { fieldText } from './header-block.ts';
import { htmlToText } from './html-to-text.ts';
import type { Problems } from './problems.ts';
import { quoteForProblem } from './problems.ts';
import { decodeTransfer } from './transfer.ts';

/** Characters of text kept per message. */
export const MAX_TEXT = 1_000_000;

// Header fields of an encapsulated message worth finding with SEARCH BODY.
const NESTED_FIELDS = new Set(['from', 'to', 'cc', 'subject', 'date']);

class TextSink {
  parts: string[] = [];
  length = 0;

  get full(): boolean {
    return this.length >= MAX_TEXT;
  }

  add(text: string): void {
    if (text === '' || this.full) return;
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    const room = MAX_TEXT - this.length;
    const piece = text.length > room ? text.slice(0, room) : text;
    this.parts.push(piece);
    this.length += piece.length + 1;
  }
}

function partText(raw: Buffer, e: Entity, problems: Problems, room: number): string {
  // Encoded text is at most a few bytes per character; do not decode more than can be kept.
  const maxBytes = room * 4 + 1024;
  const end = e.end - e.bodyStart > maxBytes ? e.bodyStart + maxBytes : e.end;
  const bytes = decodeTransfer(raw.subarray(e.bodyStart, end), e.encoding);
  let text: string;
  if (e.charset === null) {
    text = bytesToText(bytes);
  } else {
    const decoded = decodeCharset(bytes, e.charset);
    if (!decoded.known) problems.add(`unknown charset ${quoteForProblem(e.charset)}`);
    text = decoded.text;
  }
  if (e.subtype === 'html') text = htmlToText(text);
  return text;
}

function visit(raw: Buffer, e: Entity, problems: Problems, sink: TextSink): void {
  if (sink.full) return;
  if (e.kind === 'multipart') {
    for (const c of e.children) visit(raw, c, problems, sink);
  } else if (e.kind === 'message' && e.message !== null) {
    for (const f of e.message.header.fields) {
      if (NESTED_FIELDS.has(f.key)) sink.add(`${f.name}: ${decodeEncodedWords(fieldText(raw, f), problems)}`);
    }
    visit(raw, e.message, problems, sink);
  } else if (e.type === 'text' && e.end > e.bodyStart) {
    sink.add(partText(raw, e, problems, MAX_TEXT - sink.length));
  }
}

/** The decoded text of all text parts, joined by newlines. */
export function extractText(raw: Buffer, root: Entity, problems: Problems): string {
  const sink = new TextSink();
  visit(raw, root, problems, sink);
  return sink.parts.join('\n');
}
