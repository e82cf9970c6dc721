// GETQUOTA (RFC 9208 §4.1.1). Each user has one quota root: "" for their own mailboxes, and
// another user's root is "Other Users/<login>" (db/functions/48_quota_acl.sql). Resources:
// STORAGE in units of 1024 octets and MESSAGE; only limited resources are listed, and a root
// without any limit is not reported at all: RFC 9208's quota-list has at least one resource, and
// clients (Roundcube) read an empty one as a quota of unknown size. With
// use-imap-quota = off quotas are neither enforced nor offered, so the QUOTA commands are unknown.
import { AUTHENTICATED, bad, defineCommand } from '../command.ts';
import { atom, type ResponseValue } from '../compiler.ts';
import { parseQuotaRoot } from '../grammar/quota.ts';
import type { Session } from '../session.ts';

/** What api.quota_get/quota_root/quota_set return (int8 arrays arrive as text). */
export interface QuotaRow {
  root: string;
  resources: string[];
  usages: Array<string | number>;
  limits: Array<string | number>;
  [k: string]: unknown;
}

/** The resources this server counts (capabilities QUOTA=RES-STORAGE and QUOTA=RES-MESSAGE). */
export const QUOTA_RESOURCES: readonly string[] = ['STORAGE', 'MESSAGE'];

export function quotaEnabled(s: Session): boolean {
  return s.ctx.config.get('use-imap-quota');
}

/** Refuses the QUOTA commands when the extension is off, as if they did not exist. */
export function requireQuota(s: Session): void {
  if (!quotaEnabled(s)) throw bad('Unknown command');
}

/** Does the root limit anything? (If not, no QUOTA response describes it.) */
export function hasLimits(row: QuotaRow): boolean {
  return row.resources.length > 0;
}

/** `* QUOTA root (RESOURCE usage limit …)` */
export function quotaResponse(row: QuotaRow): ResponseValue[] {
  const list: ResponseValue[] = [];
  row.resources.forEach((r, i) => list.push(atom(r), BigInt(row.usages[i]), BigInt(row.limits[i])));
  return [atom('QUOTA'), row.root, list];
}

export const getquota = defineCommand({
  name: 'GETQUOTA',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const root = parseQuotaRoot(c);
    c.end();
    return { root };
  },
  async execute(s, { root }) {
    requireQuota(s);
    const [row] = await s.ctx.db.call<QuotaRow>('quota_get', s.userId, root);
    if (hasLimits(row)) await s.untagged(...quotaResponse(row));
  },
});
