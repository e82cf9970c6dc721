// aox add mailbox <name> [<owner>]: name as /users/<login>/<name>, or below the given owner.
import type { AoxCommand } from '../lib/command.ts';
import { fullMailboxName, parseMailboxName } from '../lib/names.ts';

export const command: AoxCommand = {
  verb: 'add',
  noun: 'mailbox',
  summary: 'create a mailbox (and missing parents)',
  configure: (c) => c
    .argument('<name>', '/users/<login>/<name>, or a name below <owner>')
    .argument('[owner]', 'the owner\'s login, when <name> does not start with /users/'),
  async run(ctx, [text, owner]) {
    const box = parseMailboxName(text, owner);
    const db = await ctx.owner();
    await db.query('select admin.mailbox_create($1, $2)', [box.owner, box.name]);
    ctx.out.line(`created ${fullMailboxName(box)}`);
  },
};
