// aox change address <login> <address>: the user's primary address (where LMTP delivers).
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'change',
  noun: 'address',
  summary: 'change a user\'s address',
  configure: (c) => c.argument('<login>').argument('<address>', 'the new address, localpart@domain'),
  async run(ctx, [login, address]) {
    const db = await ctx.owner();
    await db.query('select admin.user_set_address($1, $2)', [login, address]);
    ctx.out.line(`${login} now has the address ${address}`);
  },
};
