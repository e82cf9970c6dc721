// aox show retention [<mailbox>]: the retention policies (those that apply to one mailbox when it
// is named: every-mailbox ones, its own and its parents'), and how many current messages each one
// covers that are older than its duration (for a delete policy: what vacuum would expunge, before
// retains).
import type { AoxCommand } from '../lib/command.ts';
import { fullMailboxName } from '../lib/names.ts';
import { formatSearch, type SearchTerm } from '../lib/search-terms.ts';
import { parseMailboxArg } from '../import/mailbox-arg.ts';

interface PolicyRow {
  id: number;
  action: string;
  days: number | null;
  mailbox: string | null;
  selector: SearchTerm | null;
  affected: string;
}

export const command: AoxCommand = {
  verb: 'show',
  noun: 'retention',
  summary: 'list retention policies',
  usage: '[<mailbox>]',
  configure: (c) => c.argument('[mailbox]', 'only the policies that apply to this mailbox: /users/<login>/<name> or <login>:<name>'),
  async run(ctx, [mailbox]) {
    const box = mailbox === undefined ? null : parseMailboxArg(mailbox);
    const db = await ctx.owner();
    const rows = (await db.query<PolicyRow>('select id, action, days, mailbox, selector, affected from admin.retention_list($1, $2)',
      [box?.owner ?? null, box?.name ?? null])).rows;
    if (rows.length === 0) {
      ctx.out.line(box ? `no retention policy applies to ${fullMailboxName(box)}` : 'no retention policies: messages are kept until someone expunges them');
      return;
    }
    ctx.out.table(rows.map((r) => [
      String(r.id), r.action, r.days === null ? 'forever' : `${r.days} days`,
      r.mailbox ? `${r.mailbox} (and below)` : 'all mailboxes',
      r.selector ? formatSearch(r.selector) : 'every message',
      `${r.affected} ${r.days === null ? '' : 'older '}messages`,
    ]), ['id', 'action', 'duration', 'scope', 'matching', 'now covering']);
  },
};
