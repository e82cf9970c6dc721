// STORE arguments after the sequence set (RFC 3501 §6.4.6, RFC 7162 §3.1.3):
//
//   store            = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
//   store-modifiers  = SP "(" store-modifier *(SP store-modifier) ")"
//   store-modifier   = "UNCHANGEDSINCE" SP mod-sequence-valzer
//   store-att-flags  = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))

import { Cursor, ParseError, uniqueFlags } from '../parser.ts';
import type { StoreArguments } from '../types.ts';

/**
 * Everything after "STORE sequence-set": the optional modifiers (with their leading SP) and the
 * flags. The caller still calls end().
 */
export function parseStoreArguments(c: Cursor): StoreArguments {
  let unchangedSince: bigint | null = null;
  c.space();
  if (c.peekChar() === '(') {
    c.list((cur) => {
      const at = cur.position;
      const word = cur.keywordToken();
      if (word !== 'UNCHANGEDSINCE') throw new ParseError(`Unknown STORE modifier ${word.slice(0, 30)}`, at);
      if (unchangedSince !== null) throw new ParseError('Duplicate UNCHANGEDSINCE', at);
      cur.space();
      unchangedSince = cur.number64();
    });
    c.space();
  }
  let mode: StoreArguments['mode'] = 'replace';
  if (c.skip('+')) mode = 'add';
  else if (c.skip('-')) mode = 'remove';
  const at = c.position;
  const word = c.keywordToken();
  if (word !== 'FLAGS' && word !== 'FLAGS.SILENT') throw new ParseError('Expected FLAGS, +FLAGS or -FLAGS', at);
  const silent = word === 'FLAGS.SILENT';
  c.space();
  let flags: string[];
  if (c.peekChar() === '(') {
    flags = c.flagList();
  } else {
    const list = [c.flag()];
    while (c.peekChar() === ' ' && c.rest().some((b) => b !== 0x20)) {
      c.space();
      list.push(c.flag());
    }
    flags = uniqueFlags(list);
  }
  return { unchangedSince, mode, silent, flags };
}
