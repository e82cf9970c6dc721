// aox show quota [pattern]: each user's usage against their quota, and who administers.
import type { AoxCommand } from '../lib/command.ts';
import { formatBytes } from '../lib/output.ts';

interface QuotaRow {
  login: string;
  is_admin: boolean;
  used_messages: string;
  quota_messages: string | null;
  used_storage: string;
  quota_storage: string | null;
}

export const command: AoxCommand = {
  verb: 'show',
  noun: 'quota',
  nounAliases: ['quotas'],
  summary: 'show users\' usage and quota',
  configure: (c) => c.argument('[pattern]', 'logins to show: * matches any run of characters, ? one'),
  async run(ctx, [pattern]) {
    const db = await ctx.owner();
    const rows = (await db.query<QuotaRow>('select * from admin.quota_list($1)', [pattern ?? null])).rows;
    ctx.out.table(rows.map((r) => [
      r.login,
      `${formatBytes(r.used_storage)} of ${r.quota_storage === null ? 'unlimited' : formatBytes(r.quota_storage)}`,
      `${r.used_messages} of ${r.quota_messages ?? 'unlimited'} messages`,
      r.is_admin ? 'administrator' : '',
    ]), ['login', 'storage', 'messages', '']);
  },
};
