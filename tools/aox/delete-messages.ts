// aox delete messages <days> [<mailbox>] [<search…>]: aox vacuum expunges messages (of a mailbox
// and the mailboxes below it, or of every mailbox; optionally only those matching a search) older
// than <days> days by internal date, unless a retain policy covering them is longer. Expunged
// messages stay restorable for undelete-time days like any other. 0 days removes the policy.
import type { AoxCommand } from '../lib/command.ts';
import { setPolicy } from './retain-messages.ts';

export const command: AoxCommand = {
  verb: 'delete',
  noun: 'messages',
  nounAliases: ['mail'],
  summary: 'expunge messages older than some days (applied by aox vacuum)',
  usage: '<days> [<mailbox>] [<search...>]',
  configure: (c) => c
    .argument('<days>', 'days after the internal date; 0 removes the policy')
    .argument('[mailbox-and-search...]', 'a mailbox, /users/<login>/<name> or <login>:<name> (and the mailboxes below it; all mailboxes when absent), then optionally a search: from|to|cc|subject|body <text>, since|before|on <date>, uid <set>, not, or, ( … )'),
  async run(ctx, [days, ...rest]) {
    await setPolicy(ctx, 'delete', days, rest);
  },
};
