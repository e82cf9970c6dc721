// STATUS (RFC 3501 §6.3.10): counters kept by the database, never counted per message.
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { parseStatusItems } from '../grammar/status-items.ts';
import { statusResponse, type StatusRow } from '../status-response.ts';

export const status = defineCommand({
  name: 'STATUS',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    c.space();
    const items = parseStatusItems(c);
    c.end();
    return { name, items };
  },
  async execute(s, { name, items }) {
    const [row] = await s.ctx.db.call<StatusRow & Record<string, unknown>>('mailbox_status', s.userId, name);
    await s.untagged(...statusResponse(s, name, row, items));
  },
});
