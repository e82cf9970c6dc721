// aox list rights <mailbox> [<identifier>]: the ACL (RFC 4314), or one identifier's rights.
import type { AoxCommand } from '../lib/command.ts';
import { parseMailboxName } from '../lib/names.ts';

export const command: AoxCommand = {
  verb: 'list',
  noun: 'rights',
  summary: 'show the access control list of a mailbox',
  configure: (c) => c
    .argument('<mailbox>', '/users/<login>/<name> (or <name> with -o)')
    .argument('[identifier]', 'a login or "anyone": show the rights it effectively has')
    .option('-o, --owner <login>', 'the owner, when <mailbox> does not start with /users/'),
  async run(ctx, [text, identifier], options) {
    const box = parseMailboxName(text, options.owner as string | undefined);
    const db = await ctx.owner();
    const r = await db.query<{ identifier: string; rights: string }>(
      'select identifier, rights from admin.rights_list($1, $2, $3)', [box.owner, box.name, identifier ?? null]);
    ctx.out.table(r.rows.map((e) => [e.identifier, e.rights]));
  },
};
