// aox retain messages <days>|forever [<mailbox>] [<search…>]: keeps messages (of a mailbox and the
// mailboxes below it, or of every mailbox; optionally only those matching a search) for at least
// <days> days after their internal date, or for good: delete policies do not expunge them before,
// and once expunged by a user they stay restorable (aox undelete) until then. Retain wins over
// delete. 0 days removes the policy of that scope and search. Policies are applied by aox vacuum;
// aox show retention lists them. The search language is in tools/lib/search-terms.ts.
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import { fullMailboxName } from '../lib/names.ts';
import { formatSearch, parseSearchTerms, startsSearch } from '../lib/search-terms.ts';
import { parseMailboxArg } from '../import/mailbox-arg.ts';

/** Shared by retain messages and delete messages: the operands after the duration. */
export async function setPolicy(ctx: Context, action: 'retain' | 'delete', daysText: string, rest: string[]): Promise<void> {
  const forever = daysText.toLowerCase() === 'forever';
  if (forever && action === 'delete') throw new CliError('a delete policy needs a number of days ("forever" is for retain)');
  if (!forever && !/^\d+$/.test(daysText)) throw new CliError(`the duration is a whole number of days${action === 'retain' ? ' or "forever"' : ''}, not ${daysText}`);
  const days = forever ? null : Number(daysText);
  // as in Archiveopteryx: an optional mailbox first, then the search
  const box = rest.length > 0 && !startsSearch(rest[0]) ? parseMailboxArg(rest[0]) : null;
  const words = box ? rest.slice(1) : rest;
  const search = words.length > 0 ? parseSearchTerms(words, 'live') : null;
  const db = await ctx.owner();
  await db.query('select admin.retention_set($1, $2, $3, $4, $5)',
    [action, days, box?.owner ?? null, box?.name ?? null, search && JSON.stringify(search)]);
  const scope = (box ? `${fullMailboxName(box)} and the mailboxes below it` : 'all mailboxes') +
    (search && search.op !== 'all' ? ` matching "${formatSearch(search)}"` : '');
  if (days === 0) ctx.out.line(`removed the ${action} policy of ${scope}`);
  else if (days === null) ctx.out.line(`messages in ${scope} are kept forever`);
  else if (action === 'retain') ctx.out.line(`messages in ${scope} are kept for at least ${days} days`);
  else ctx.out.line(`messages in ${scope} are expunged by aox vacuum when older than ${days} days (unless a retain policy keeps them longer)`);
}

export const command: AoxCommand = {
  verb: 'retain',
  noun: 'messages',
  nounAliases: ['mail'],
  summary: 'keep messages for at least some days, or forever (retain wins over delete)',
  usage: '<days>|forever [<mailbox>] [<search...>]',
  configure: (c) => c
    .argument('<days>', 'days after the internal date, or "forever"; 0 removes the policy')
    .argument('[mailbox-and-search...]', 'a mailbox, /users/<login>/<name> or <login>:<name> (and the mailboxes below it; all mailboxes when absent), then optionally a search: from|to|cc|subject|body <text>, since|before|on <date>, uid <set>, not, or, ( … )'),
  async run(ctx, [days, ...rest]) {
    await setPolicy(ctx, 'retain', days, rest);
  },
};
