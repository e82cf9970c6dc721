// aox list mailboxes [-d] [-s] [-o owner] [pattern]
import type { AoxCommand } from '../lib/command.ts';
import { formatBytes } from '../lib/output.ts';

interface Row {
  name: string;
  selectable: boolean;
  special_use: string | null;
  messages: number;
  size: string;
  deleted_at: Date | null;
}

export const command: AoxCommand = {
  verb: 'list',
  noun: 'mailboxes',
  nounAliases: ['mailbox'],
  summary: 'list mailboxes',
  configure: (c) => c
    .argument('[pattern]', '* and ?; matched against /users/<login>/<name> if it starts with /, else against <name>')
    .option('-d, --deleted', 'include deleted mailboxes')
    .option('-s, --sizes', 'show message counts and sizes')
    .option('-o, --owner <login>', 'only this user\'s mailboxes'),
  async run(ctx, [pattern], options) {
    const db = await ctx.owner();
    const r = await db.query<Row>('select * from admin.mailbox_list($1, $2, $3)',
      [pattern ?? null, (options.owner as string | undefined) ?? null, options.deleted === true]);
    ctx.out.table(r.rows.map((b) => {
      const notes = [b.special_use ?? '', b.selectable ? '' : '\\Noselect',
        b.deleted_at ? `deleted ${b.deleted_at.toISOString().slice(0, 10)}` : ''].filter(Boolean).join(' ');
      return options.sizes === true
        ? [b.name, `${b.messages} messages`, formatBytes(b.size), notes]
        : [b.name, notes];
    }));
  },
};
