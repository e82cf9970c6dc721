// aox setacl [-d] <mailbox> <identifier> <rights>: RFC 4314 SETACL/DELETEACL. "+lr" adds, "-w"
// removes, "lr" replaces; -d deletes the entry. A leading "-" in the rights is not an option here.
import { CliError, type AoxCommand } from '../lib/command.ts';
import { parseMailboxName } from '../lib/names.ts';

const RIGHTS = /^[+-]?[lrswipkxteacdn]*$/;

export const command: AoxCommand = {
  verb: 'setacl',
  summary: 'grant or revoke rights on a mailbox (RFC 4314)',
  usage: '[options] <mailbox> <identifier> [<rights>]',
  configure: (c) => c
    .argument('<mailbox>', '/users/<login>/<name> (or <name> with -o)')
    .argument('<identifier>', 'a login, or "anyone"')
    .argument('[rights]', 'letters of lrswipkxtean (c and d: obsolete RFC 2086 rights); +letters adds, -letters removes')
    .option('-d, --delete', 'delete the identifier\'s entry')
    .option('-o, --owner <login>', 'the owner, when <mailbox> does not start with /users/')
    // so that "-w" reaches us as the rights argument
    .allowUnknownOption(true),
  async run(ctx, [text, identifier, rights, ...extra], options) {
    if (extra.length) throw new CliError(`unexpected arguments: ${extra.join(' ')}`);
    const box = parseMailboxName(text, options.owner as string | undefined);
    if (options.delete === true) {
      if (rights !== undefined) throw new CliError('-d deletes the whole entry: give no rights with it');
      const db = await ctx.owner();
      await db.query('select admin.rights_delete($1, $2, $3)', [box.owner, box.name, identifier]);
      ctx.out.line(`deleted the rights of ${identifier}`);
      return;
    }
    if (rights === undefined) throw new CliError('missing rights (or -d to delete the entry)');
    if (!RIGHTS.test(rights)) {
      throw new CliError(`invalid rights "${rights}": use letters of lrswipkxtean (and obsolete c, d), optionally after + or -`);
    }
    const db = await ctx.owner();
    const r = await db.query<{ rights: string }>('select admin.rights_set($1, $2, $3, $4) as rights',
      [box.owner, box.name, identifier, rights]);
    ctx.out.line(r.rows[0].rights ? `${identifier} ${r.rows[0].rights}` : `${identifier} has no rights now`);
  },
};
