// aox show counts [-f]: sizes of the archive, from the counters where the schema keeps them.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'show',
  noun: 'counts',
  summary: 'show how many users, mailboxes, messages and bytes there are',
  configure: (c) => c.option('-f, --full', 'also unseen, \\Deleted, expunged, aliases, addresses, body bytes, parse problems, database size'),
  async run(ctx, _args, options) {
    const db = await ctx.owner();
    const r = await db.query<{ name: string; value: string; description: string }>(
      'select name, value, description from admin.counts($1)', [options.full === true]);
    ctx.out.table(r.rows.map((c) => options.full === true ? [`${c.name}:`, c.value, c.description] : [`${c.name}:`, c.value]));
  },
};
