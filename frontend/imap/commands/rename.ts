// RENAME (RFC 3501 §6.3.5): a mailbox with its inferiors keeps its UIDVALIDITY; RENAME INBOX moves
// INBOX's messages into the new mailbox and leaves INBOX empty.
import { AUTHENTICATED, defineCommand } from '../command.ts';

export const rename = defineCommand({
  name: 'RENAME',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const from = c.mailbox();
    c.space();
    const to = c.mailbox();
    c.end();
    return { from, to };
  },
  async execute(s, { from, to }) {
    await s.ctx.db.call('mailbox_rename', s.userId, from, to);
    s.selected?.markDirty();
  },
});
