// aox delete mailbox [-f] <name> [<owner>]: as IMAP DELETE, so the messages stay undeletable until
// vacuum; refuses a non-empty mailbox (or one an alias delivers to) unless forced.
import type { AoxCommand } from '../lib/command.ts';
import { fullMailboxName, parseMailboxName } from '../lib/names.ts';

export const command: AoxCommand = {
  verb: 'delete',
  noun: 'mailbox',
  summary: 'delete a mailbox',
  configure: (c) => c
    .argument('<name>', '/users/<login>/<name>, or a name below <owner>')
    .argument('[owner]', 'the owner\'s login, when <name> does not start with /users/')
    .option('-f, --force', 'delete even if it holds messages or aliases deliver to it'),
  async run(ctx, [text, owner], options) {
    const box = parseMailboxName(text, owner);
    const db = await ctx.owner();
    const r = await db.query<{ n: string }>('select admin.mailbox_delete($1, $2, $3) as n',
      [box.owner, box.name, options.force === true]);
    ctx.out.line(`deleted ${fullMailboxName(box)}` + (Number(r.rows[0].n) > 0 ? ` (${r.rows[0].n} messages, undeletable until vacuum)` : ''));
  },
};
