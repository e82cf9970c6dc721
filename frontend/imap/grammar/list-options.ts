// LIST arguments, basic and extended (RFC 3501 §6.3.8, RFC 5258, LIST-STATUS RFC 5819,
// SPECIAL-USE RFC 6154):
//
//   list              = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
//   list-select-opts  = "(" [(*(list-select-mod-opt SP) list-select-base-opt *(SP list-select-opt))
//                        / (list-select-independent-opt *(SP list-select-independent-opt))] ")"
//   base: SUBSCRIBED, SPECIAL-USE · modifier: RECURSIVEMATCH · independent: REMOTE
//   mbox-or-pat       = list-mailbox / "(" list-mailbox *(SP list-mailbox) ")"
//   list-return-opts  = "RETURN" SP "(" [return-option *(SP return-option)] ")"
//   return-option     = "SUBSCRIBED" / "CHILDREN" / "SPECIAL-USE" / "STATUS" SP "(" status-att … ")"
//
// RFC 5258 §3: unknown options, and RECURSIVEMATCH without a base option, are a BAD.

import { Cursor, ParseError } from '../parser.ts';
import type { ListArguments, StatusItem } from '../types.ts';
import { parseStatusItems } from './status-items.ts';

/** Everything after "LIST SP"; the caller still calls end(). */
export function parseListArguments(c: Cursor, utf8Accept: boolean = c.utf8Accept): ListArguments {
  const selection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const returns = { subscribed: false, children: false, specialUse: false, status: null as StatusItem[] | null };
  let extended = false;

  if (c.peekChar() === '(') {
    extended = true;
    const start = c.position;
    c.list(
      (cur) => {
        const at = cur.position;
        const word = cur.keywordToken();
        if (word === 'SUBSCRIBED') selection.subscribed = true;
        else if (word === 'REMOTE') selection.remote = true;
        else if (word === 'RECURSIVEMATCH') selection.recursiveMatch = true;
        else if (word === 'SPECIAL-USE') selection.specialUse = true;
        else throw new ParseError(`Unknown LIST selection option ${word.slice(0, 30)}`, at);
      },
      { allowEmpty: true },
    );
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
      throw new ParseError('RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE', start);
    }
    c.space();
  }

  const reference = c.mailbox(utf8Accept);
  c.space();
  let patterns: string[];
  if (c.peekChar() === '(') {
    extended = true;
    patterns = c.list((cur) => cur.listMailbox(utf8Accept));
  } else {
    patterns = [c.listMailbox(utf8Accept)];
  }

  if (c.peekChar() === ' ' && c.rest().some((b) => b !== 0x20)) {
    c.space();
    c.keyword('RETURN');
    c.space();
    extended = true;
    c.list(
      (cur) => {
        const at = cur.position;
        const word = cur.keywordToken();
        if (word === 'SUBSCRIBED') returns.subscribed = true;
        else if (word === 'CHILDREN') returns.children = true;
        else if (word === 'SPECIAL-USE') returns.specialUse = true;
        else if (word === 'STATUS') {
          cur.space();
          const items = parseStatusItems(cur);
          returns.status = [...new Set([...(returns.status ?? []), ...items])];
        } else throw new ParseError(`Unknown LIST return option ${word.slice(0, 30)}`, at);
      },
      { allowEmpty: true },
    );
  }
  return { selection, reference, patterns, returns, extended };
}
