// aox list users [pattern]: login and address, one user a line.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'list',
  noun: 'users',
  nounAliases: ['user'],
  summary: 'list users (login and address)',
  configure: (c) => c.argument('[pattern]', 'logins to show: * matches any run of characters, ? one'),
  async run(ctx, [pattern]) {
    const db = await ctx.owner();
    const r = await db.query<{ login: string; address: string | null }>(
      'select login, address from admin.user_list($1)', [pattern ?? null]);
    ctx.out.table(r.rows.map((u) => [u.login, u.address ?? '']));
  },
};
