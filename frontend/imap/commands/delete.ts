// DELETE (RFC 3501 §6.3.4): messages go to deleted_messages (restorable until vacuum); a mailbox
// with children becomes \Noselect. Deleting the selected mailbox shows up as expunges.
import { AUTHENTICATED, defineCommand } from '../command.ts';

export const del = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    c.end();
    return name;
  },
  async execute(s, name) {
    await s.ctx.db.call('mailbox_delete', s.userId, name);
    s.selected?.markDirty();
  },
});
