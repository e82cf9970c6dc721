// aox add alias <address> <mailbox>|<user address> [<owner>]: LMTP delivers mail for the address
// to the mailbox, or, given a user's address, to that user's INBOX.
import { CliError, type AoxCommand } from '../lib/command.ts';
import { fullMailboxName, parseMailboxName, type MailboxName } from '../lib/names.ts';

export const command: AoxCommand = {
  verb: 'add',
  noun: 'alias',
  summary: 'deliver mail for an address into a mailbox (or a user\'s INBOX)',
  configure: (c) => c
    .argument('<address>', 'localpart@domain')
    .argument('<mailbox>', '/users/<login>/<name>, a name below <owner>, or a user\'s address (their INBOX)')
    .argument('[owner]', 'the owner\'s login, when <mailbox> is a name below it'),
  async run(ctx, [address, text, owner]) {
    const db = await ctx.owner();
    let box: MailboxName;
    if (!text.startsWith('/') && owner === undefined && text.includes('@')) {
      const r = await db.query<{ login: string }>(
        'select login from admin.user_list() where lower(address) = lower($1)', [text]);
      if (r.rows.length !== 1) throw new CliError(`no user has the address ${text}`);
      box = { owner: r.rows[0].login, name: 'INBOX' };
    } else {
      box = parseMailboxName(text, owner);
    }
    await db.query('select admin.alias_create($1, $2, $3)', [address, box.owner, box.name]);
    ctx.out.line(`${address} now delivers to ${fullMailboxName(box)}`);
  },
};
