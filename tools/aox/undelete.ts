// aox undelete [-n] <mailbox> <search…>: brings expunged messages back (until aox vacuum purges
// them, undelete-time days after the expunge) with new UIDs. Also works for a deleted mailbox:
// its messages come back into a new mailbox of the same name. The search language is in
// tools/lib/search-terms.ts.
import type { AoxCommand } from '../lib/command.ts';
import { fullMailboxName } from '../lib/names.ts';
import { formatBytes } from '../lib/output.ts';
import { parseMailboxArg } from '../import/mailbox-arg.ts';
import { parseSearchTerms } from '../lib/search-terms.ts';

interface UndeleteRow {
  old_uid: number;
  new_uid: number | null;
  internaldate: Date;
  deleted_at: Date;
  reason: string;
  subject: string | null;
  from_text: string;
  size: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export const command: AoxCommand = {
  verb: 'undelete',
  summary: 'restore expunged messages of a mailbox with new UIDs',
  usage: '[-n] <mailbox> <search...>',
  configure: (c) => c
    .argument('<mailbox>', '/users/<login>/<name> or <login>:<name>')
    .argument('<search...>', 'all | uid <set> | from|to|cc|subject|body|reason <text> | since|before|on|deleted-since|deleted-before <date> | not <term> | or <term> <term> | ( … )')
    .option('-n, --dry-run', 'list what would be restored, change nothing'),
  async run(ctx, args, options) {
    const box = parseMailboxArg(args[0]);
    const search = parseSearchTerms(args.slice(1), 'expunged');
    const dryRun = options.dryRun === true;
    const db = await ctx.owner();
    const rows = (await db.query<UndeleteRow>('select * from admin.undelete($1, $2, $3, $4)',
      [box.owner, box.name, JSON.stringify(search), dryRun])).rows;
    ctx.out.table(rows.map((r) => [
      String(r.old_uid), dryRun ? '' : `→ ${r.new_uid}`, day(r.internaldate), `expunged ${day(r.deleted_at)} (${r.reason})`,
      formatBytes(r.size), clip(r.from_text, 30), clip(r.subject ?? '', 60),
    ]));
    ctx.out.line(`${dryRun ? 'would restore' : 'restored'} ${rows.length} message${rows.length === 1 ? '' : 's'} ` +
      `${dryRun ? 'to' : 'into'} ${fullMailboxName(box)}`);
  },
};
