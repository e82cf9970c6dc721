// ACL rights strings (RFC 4314 §2.1 and §3):
//
//   rights     = astring          ; only lowercase ASCII letters and digits are allowed
//   mod-rights = astring          ; +rights to add, -rights to remove, rights to replace
//
// Rights: l r s w i p k x t e a (RFC 4314), n (RFC 5257, shared annotations), 0–9
// (implementation-defined). The RFC 2086 rights c and d are virtual (RFC 4314 §2.1.1); this server
// belongs to the "former group": c means k and x, d means e and t. An unknown right is a BAD
// (RFC 4314 §3.1).

import { Cursor, ParseError } from '../parser.ts';
import type { ModRights } from '../types.ts';

/** Every right that can be stored, in the canonical order rights strings are written in. */
export const RIGHTS = 'lrswipkxtean0123456789';

const OBSOLETE: Readonly<Record<string, string>> = { c: 'kx', d: 'et' };

/**
 * Validates a rights string and returns it canonical: c and d expanded, duplicates removed, in
 * RIGHTS order. Throws ParseError on any other character.
 */
export function normaliseRights(text: string): string {
  const have = new Set<string>();
  for (const ch of text) {
    const expansion = OBSOLETE[ch];
    if (expansion !== undefined) {
      for (const r of expansion) have.add(r);
    } else if (RIGHTS.includes(ch)) {
      have.add(ch);
    } else {
      throw new ParseError(`Unknown right "${/^[\x21-\x7e]$/.test(ch) ? ch : '?'}"`);
    }
  }
  let out = '';
  for (const r of RIGHTS) if (have.has(r)) out += r;
  return out;
}

/** An ACL rights argument (astring), canonical. */
export function parseRights(c: Cursor): string {
  const start = c.position;
  const text = c.astring().toString('latin1');
  try {
    return normaliseRights(text);
  } catch (e) {
    if (e instanceof ParseError) throw new ParseError(e.message, start);
    throw e;
  }
}

/** SETACL's mod-rights (astring): "+lr" adds, "-w" removes, "lrs" replaces. */
export function parseModRights(c: Cursor): ModRights {
  const start = c.position;
  const text = c.astring().toString('latin1');
  let mode: ModRights['mode'] = 'replace';
  let body = text;
  if (text.startsWith('+')) {
    mode = 'add';
    body = text.slice(1);
  } else if (text.startsWith('-')) {
    mode = 'remove';
    body = text.slice(1);
  }
  try {
    return { mode, rights: normaliseRights(body) };
  } catch (e) {
    if (e instanceof ParseError) throw new ParseError(e.message, start);
    throw e;
  }
}

/**
 * Rights as sent in ACL and MYRIGHTS responses: RFC 4314 §2.1.1 requires the virtual c whenever k
 * or x is granted, and d whenever e or t is.
 */
export function withObsoleteRights(rights: string): string {
  let out = rights;
  if (/[kx]/.test(rights) && !rights.includes('c')) out += 'c';
  if (/[et]/.test(rights) && !rights.includes('d')) out += 'd';
  return out;
}

/** `SP mailbox SP identifier`, the start of SETACL, DELETEACL and LISTRIGHTS (RFC 4314 §3). */
export function parseAclTarget(c: Cursor): { name: string; identifier: string } {
  c.space();
  const name = c.mailbox();
  c.space();
  const identifier = c.astringText('Identifier');
  return { name, identifier };
}
