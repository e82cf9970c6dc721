// aox add alias <address> <mailbox> [<owner>]: LMTP delivers mail for the address to the mailbox.
import type { AoxCommand } from '../lib/command.ts';
import { fullMailboxName, parseMailboxName } from '../lib/names.ts';

export const command: AoxCommand = {
  verb: 'add',
  noun: 'alias',
  summary: 'deliver mail for an address into a mailbox',
  configure: (c) => c
    .argument('<address>', 'localpart@domain')
    .argument('<mailbox>', '/users/<login>/<name>, or a name below <owner>')
    .argument('[owner]', 'the owner\'s login, when <mailbox> does not start with /users/'),
  async run(ctx, [address, text, owner]) {
    const box = parseMailboxName(text, owner);
    const db = await ctx.owner();
    await db.query('select admin.alias_create($1, $2, $3)', [address, box.owner, box.name]);
    ctx.out.line(`${address} now delivers to ${fullMailboxName(box)}`);
  },
};
