// aox change quota <login> <storage> [<messages>]: a user's quota (RFC 9208 STORAGE and MESSAGE),
// enforced on delivery, APPEND, COPY and MOVE. "unlimited" lifts a limit; a message limit not
// given stays as it was. Calls admin.quota_set, as IMAP SETQUOTA by an administrator does.
import type { AoxCommand } from '../lib/command.ts';
import { formatBytes } from '../lib/output.ts';
import { parseCount, parseSize } from '../lib/sizes.ts';

export const command: AoxCommand = {
  verb: 'change',
  noun: 'quota',
  summary: 'change a user\'s storage and message quota',
  configure: (c) => c.argument('<login>')
    .argument('<storage>', 'bytes, or with a unit: 500M, 2G (powers of 1024); unlimited')
    .argument('[messages]', 'a number of messages, or unlimited; unchanged when absent'),
  async run(ctx, [login, storageText, messagesText]) {
    const storage = parseSize(storageText);
    const messages = messagesText === undefined ? undefined : parseCount(messagesText);
    const db = await ctx.owner();
    // the function takes KiB, as SETQUOTA does; round up so a limit is never tighter than asked
    const kib = storage === null ? null : Math.ceil(storage / 1024);
    const current = messages !== undefined ? messages
      : (await db.query<{ quota_messages: string | null }>('select quota_messages from admin.quota_list($1) where lower(login) = lower($1)', [login])).rows[0]?.quota_messages ?? null;
    await db.query('select admin.quota_set($1, $2, $3)', [login, kib, current]);
    ctx.out.line(`${login} may now store ${kib === null ? 'without a size limit' : formatBytes(kib * 1024)} and ` +
      `${current === null ? 'any number of messages' : `${current} messages`}`);
  },
};
