// aox retain messages <days> [<mailbox>]: keeps messages (of a mailbox and the mailboxes below
// it, or of every mailbox) for at least <days> days after their internal date: delete policies
// do not expunge them before, and once expunged by a user they stay restorable (aox undelete)
// until then. Retain wins over delete. 0 days removes the policy. Policies are applied by
// aox vacuum; aox show retention lists them.
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import { fullMailboxName } from '../lib/names.ts';
import { parseMailboxArg } from '../import/mailbox-arg.ts';

/** Shared by retain messages and delete messages. */
export async function setPolicy(ctx: Context, action: 'retain' | 'delete', daysText: string, mailbox: string | undefined): Promise<void> {
  if (!/^\d+$/.test(daysText)) throw new CliError(`the duration is a whole number of days, not ${daysText}`);
  const days = Number(daysText);
  const box = mailbox === undefined ? null : parseMailboxArg(mailbox);
  const db = await ctx.owner();
  await db.query('select admin.retention_set($1, $2, $3, $4)', [action, days, box?.owner ?? null, box?.name ?? null]);
  const scope = box ? `${fullMailboxName(box)} and the mailboxes below it` : 'all mailboxes';
  if (days === 0) ctx.out.line(`removed the ${action} policy of ${scope}`);
  else if (action === 'retain') ctx.out.line(`messages in ${scope} are kept for at least ${days} days`);
  else ctx.out.line(`messages in ${scope} are expunged by aox vacuum when older than ${days} days (unless a retain policy keeps them longer)`);
}

export const command: AoxCommand = {
  verb: 'retain',
  noun: 'messages',
  summary: 'keep messages for at least some days (retain wins over delete)',
  usage: '<days> [<mailbox>]',
  configure: (c) => c
    .argument('<days>', 'days after the internal date; 0 removes the policy')
    .argument('[mailbox]', '/users/<login>/<name> or <login>:<name> (and the mailboxes below it); all mailboxes when absent'),
  async run(ctx, [days, mailbox]) {
    await setPolicy(ctx, 'retain', days, mailbox);
  },
};
