// aox delete alias <address>
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'delete',
  noun: 'alias',
  summary: 'delete an alias',
  configure: (c) => c.argument('<address>'),
  async run(ctx, [address]) {
    const db = await ctx.owner();
    await db.query('select admin.alias_delete($1)', [address]);
    ctx.out.line(`deleted alias ${address}`);
  },
};
