// APPEND arguments after the mailbox name (RFC 3501 §6.3.11, MULTIAPPEND RFC 3502, BINARY RFC 3516,
// CATENATE RFC 4469, UTF8=ACCEPT RFC 6855):
//
//   append         = "APPEND" SP mailbox 1*append-message
//   append-message = append-opts SP append-data
//   append-opts    = [SP flag-list] [SP date-time]
//   append-data    = literal / literal8 / "CATENATE" SP "(" cat-part *(SP cat-part) ")"
//                  / "UTF8" SP "(" literal8 ")"
//   cat-part       = "TEXT" SP literal / "URL" SP astring
//
// Parse only: resolving CATENATE URLs (RFC 5092 IMAP URLs) and storing belong to the command. The
// literal bytes are views into the command buffer, not copies.

import { Cursor, ParseError } from '../parser.ts';
import type { AppendData, AppendMessage, CatenatePart } from '../types.ts';

function parseCatenatePart(c: Cursor): CatenatePart {
  const at = c.position;
  const word = c.keywordToken();
  if (word === 'URL') {
    c.space();
    const urlStart = c.position;
    const url = c.astring();
    for (let i = 0; i < url.length; i++) {
      if (url[i] < 0x21 || url[i] > 0x7e) throw new ParseError('Invalid character in CATENATE URL', urlStart);
    }
    return { type: 'url', url: url.toString('latin1') };
  }
  if (word === 'TEXT') {
    c.space();
    const { bytes, binary } = c.literalOrLiteral8();
    return { type: 'text', bytes, binary };
  }
  throw new ParseError(`Unknown CATENATE part ${word.slice(0, 30)}`, at);
}

function parseAppendData(c: Cursor): AppendData {
  const ch = c.peekChar();
  if (ch === '{' || ch === '~') {
    const { bytes, binary } = c.literalOrLiteral8();
    return { type: 'literal', bytes, binary, utf8: false };
  }
  if (ch === '' || ch === ' ') throw c.expected('a message literal');
  const at = c.position;
  const word = c.keywordToken();
  if (word === 'CATENATE') {
    c.space();
    return { type: 'catenate', parts: c.list(parseCatenatePart) };
  }
  if (word === 'UTF8') {
    c.space();
    c.require('(');
    const { bytes, binary } = c.literalOrLiteral8();
    c.require(')');
    return { type: 'literal', bytes, binary, utf8: true };
  }
  throw new ParseError('Expected a message literal', at);
}

/** Everything after "APPEND SP mailbox": one or more messages. The caller still calls end(). */
export function parseAppendMessages(c: Cursor): AppendMessage[] {
  const messages: AppendMessage[] = [];
  do {
    c.space();
    let flags: string[] = [];
    let date: Date | null = null;
    if (c.peekChar() === '(') {
      flags = c.flagList();
      c.space();
    }
    if (c.peekChar() === '"') {
      date = c.dateTime();
      c.space();
    }
    messages.push({ flags, date, data: parseAppendData(c) });
  } while (c.peekChar() === ' ' && c.rest().some((b) => b !== 0x20));
  return messages;
}
