// QUOTA arguments (RFC 9208, formerly RFC 2087):
//
//   setquota          = "SETQUOTA" SP quota-root-name SP setquota-list
//   setquota-list     = "(" [setquota-resource *(SP setquota-resource)] ")"
//   setquota-resource = resource-name SP resource-limit
//   resource-name     = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" / resource-name-ext
//   resource-limit    = number64
//   quota-root-name   = astring
//
// Which resources the server supports is the command's business (it answers NO for others); naming
// one twice is a BAD.

import { Cursor, ParseError } from '../parser.ts';
import type { QuotaLimit, SetQuotaArguments } from '../types.ts';

/** A quota root name (astring, UTF-8). */
export function parseQuotaRoot(c: Cursor): string {
  return c.astringText('Quota root');
}

/** "(" [resource-name SP limit *(SP …)] ")": an empty list removes all limits. */
export function parseQuotaLimits(c: Cursor): QuotaLimit[] {
  const seen = new Set<string>();
  return c.list(
    (cur) => {
      const at = cur.position;
      const resource = cur.atom().toUpperCase();
      if (seen.has(resource)) throw new ParseError(`Resource ${resource.slice(0, 30)} given twice`, at);
      seen.add(resource);
      cur.space();
      return { resource, limit: cur.safeNumber64() };
    },
    { allowEmpty: true },
  );
}

/** Everything after "SETQUOTA SP". The caller still calls end(). */
export function parseSetQuota(c: Cursor): SetQuotaArguments {
  const root = parseQuotaRoot(c);
  c.space();
  return { root, limits: parseQuotaLimits(c) };
}
