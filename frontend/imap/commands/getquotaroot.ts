// GETQUOTAROOT (RFC 9208 §4.1.2): the quota root of a mailbox (its owner's) and that root's usage
// and limits — or no root at all while its owner has no limit (see getquota.ts).
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';
import { hasLimits, quotaResponse, requireQuota, type QuotaRow } from './getquota.ts';

export const getquotaroot = defineCommand({
  name: 'GETQUOTAROOT',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    c.end();
    return { name };
  },
  async execute(s, { name }) {
    requireQuota(s);
    const [row] = await s.ctx.db.call<QuotaRow>('quota_root', s.userId, name);
    const w = s.writer();
    if (hasLimits(row)) {
      w.untagged(atom('QUOTAROOT'), s.wireName(name), row.root);
      w.untagged(...quotaResponse(row));
    } else {
      w.untagged(atom('QUOTAROOT'), s.wireName(name));
    }
    await s.send(w);
  },
});
