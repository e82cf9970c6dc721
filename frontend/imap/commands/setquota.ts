// SETQUOTA (RFC 9208 §4.1.3): administrators only (mail.users.is_admin, set with the aox command);
// the listed limits replace all previous ones of the root. STORAGE is in units of 1024 octets.
import { AUTHENTICATED, defineCommand, no } from '../command.ts';
import { Code } from '../compiler.ts';
import { parseSetQuota } from '../grammar/quota.ts';
import { hasLimits, QUOTA_RESOURCES, quotaResponse, requireQuota, type QuotaRow } from './getquota.ts';

export const setquota = defineCommand({
  name: 'SETQUOTA',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const args = parseSetQuota(c);
    c.end();
    return args;
  },
  async execute(s, { root, limits }) {
    requireQuota(s);
    const unsupported = limits.find((l) => !QUOTA_RESOURCES.includes(l.resource));
    if (unsupported) throw no(`Resource ${unsupported.resource.slice(0, 40)} is not supported`, Code.cannot());
    const [row] = await s.ctx.db.call<QuotaRow>('quota_set', s.userId, root, limits.map((l) => l.resource),
      limits.map((l) => l.limit));
    if (hasLimits(row)) await s.untagged(...quotaResponse(row));
  },
});
