// aox delete user [-f] <login>: refuses a user who still has messages unless forced.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'delete',
  noun: 'user',
  summary: 'delete a user with its mailboxes and aliases',
  configure: (c) => c
    .argument('<login>')
    .option('-f, --force', 'delete the user even if it has messages (they are deleted too)'),
  async run(ctx, [login], options) {
    const db = await ctx.owner();
    const r = await db.query<{ n: string }>('select admin.user_delete($1, $2) as n', [login, options.force === true]);
    ctx.out.line(`deleted user ${login}` + (Number(r.rows[0].n) > 0 ? ` and its ${r.rows[0].n} messages` : ''));
  },
};
