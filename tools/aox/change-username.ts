// aox change username <old> <new>: ACL entries and other users' subscriptions follow.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'change',
  noun: 'username',
  nounAliases: ['login'],
  summary: 'rename a user',
  configure: (c) => c.argument('<old>', 'the current login').argument('<new>', 'the new login'),
  async run(ctx, [oldLogin, newLogin]) {
    const db = await ctx.owner();
    await db.query('select admin.user_rename($1, $2)', [oldLogin, newLogin]);
    ctx.out.line(`renamed user ${oldLogin} to ${newLogin}`);
  },
};
