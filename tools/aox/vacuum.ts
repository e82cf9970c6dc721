// aox vacuum: the daily clean-up (run it from cron). Applies delete policies, then permanently
// removes expunged messages older than undelete-time days (unless a retain policy still covers
// them), message bodies nothing refers to any more, deleted mailboxes left empty, and addresses
// no user or alias has. Works in
// batches, each its own transaction, so a large clean-up never holds locks for long and an
// interrupted run keeps what it did.
import { CliError, type AoxCommand } from '../lib/command.ts';

interface VacuumRow {
  policy_expunged: string;
  deleted_purged: string;
  messages_purged: string;
  mailboxes_purged: string;
  addresses_purged: string;
  done: boolean;
}

export const DEFAULT_VACUUM_BATCH = 50_000;

export const command: AoxCommand = {
  verb: 'vacuum',
  summary: 'apply retention policies and purge old expunged messages (run daily from cron)',
  usage: '[--days <n>] [--batch <n>]',
  configure: (c) => c
    .option('--days <n>', 'keep expunged messages restorable for n days (default: the undelete-time setting)')
    .option('--batch <n>', `rows removed per transaction and step (default ${DEFAULT_VACUUM_BATCH})`),
  async run(ctx, _args, options) {
    const days = options.days === undefined ? ctx.config().get('undelete-time') : Number(options.days);
    const batch = options.batch === undefined ? DEFAULT_VACUUM_BATCH : Number(options.batch);
    if (!Number.isInteger(days) || days < 0) throw new CliError(`--days must be a whole number of days, not ${String(options.days)}`);
    if (!Number.isInteger(batch) || batch < 1) throw new CliError(`--batch must be a positive whole number, not ${String(options.batch)}`);
    const db = await ctx.owner();
    const total = { policy: 0, deleted: 0, messages: 0, mailboxes: 0, addresses: 0 };
    const started = Date.now();
    for (let round = 1; ; round++) {
      const r = (await db.query<VacuumRow>('select * from admin.vacuum($1, $2)', [days, batch])).rows[0];
      total.policy += Number(r.policy_expunged);
      total.deleted += Number(r.deleted_purged);
      total.messages += Number(r.messages_purged);
      total.mailboxes += Number(r.mailboxes_purged);
      total.addresses += Number(r.addresses_purged);
      if (r.done) break;
      if (round % 10 === 0) ctx.out.note(`vacuum: ${total.deleted} expunged messages and ${total.messages} bodies purged so far`);
    }
    ctx.out.line(`expunged by retention policies: ${total.policy}`);
    ctx.out.line(`purged expunged messages older than ${days} days: ${total.deleted}`);
    ctx.out.line(`purged message bodies no longer used: ${total.messages}`);
    ctx.out.line(`purged deleted mailboxes: ${total.mailboxes}`);
    ctx.out.line(`purged addresses no user or alias uses: ${total.addresses}`);
    ctx.out.note(`vacuum took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  },
};
