// MYRIGHTS (RFC 4314 §3.5): the user's own rights on a mailbox, with the obsolete c and d added
// where k/x and e/t are granted (§2.1.1).
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';
import { withObsoleteRights } from '../grammar/acl-rights.ts';

export const myrights = defineCommand({
  name: 'MYRIGHTS',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    c.end();
    return { name };
  },
  async execute(s, { name }) {
    // a scalar function: its one column is named after it
    const [row] = await s.ctx.db.call<{ acl_my_rights: string }>('acl_my_rights', s.userId, name);
    await s.untagged(atom('MYRIGHTS'), s.wireName(name), withObsoleteRights(row.acl_my_rights));
  },
});
