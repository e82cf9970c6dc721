// aox list aliases [pattern]: address and target mailbox, one alias a line.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'list',
  noun: 'aliases',
  nounAliases: ['alias'],
  summary: 'list aliases and their mailboxes',
  configure: (c) => c.argument('[pattern]', 'addresses to show: * and ?'),
  async run(ctx, [pattern]) {
    const db = await ctx.owner();
    const r = await db.query<{ address: string; mailbox: string }>(
      'select address, mailbox from admin.alias_list($1)', [pattern ?? null]);
    ctx.out.table(r.rows.map((a) => [a.address, a.mailbox]));
  },
};
