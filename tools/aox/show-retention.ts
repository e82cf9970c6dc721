// aox show retention: the retention policies, and how many current messages each one covers that
// are older than its duration (for a delete policy: what vacuum would expunge, before retains).
import type { AoxCommand } from '../lib/command.ts';

interface PolicyRow {
  id: number;
  action: string;
  days: number;
  mailbox: string | null;
  affected: string;
}

export const command: AoxCommand = {
  verb: 'show',
  noun: 'retention',
  summary: 'list retention policies',
  async run(ctx) {
    const db = await ctx.owner();
    const rows = (await db.query<PolicyRow>('select id, action, days, mailbox, affected from admin.retention_list()')).rows;
    if (rows.length === 0) {
      ctx.out.line('no retention policies: messages are kept until someone expunges them');
      return;
    }
    ctx.out.table(rows.map((r) => [
      String(r.id), r.action, `${r.days} days`, r.mailbox ? `${r.mailbox} (and below)` : 'all mailboxes',
      `${r.affected} older messages`,
    ]), ['id', 'action', 'duration', 'scope', 'now covering']);
  },
};
