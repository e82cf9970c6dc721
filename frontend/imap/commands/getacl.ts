// GETACL (RFC 4314 §3.3): `* ACL mailbox identifier rights …`, the owner first; needs the a right.
// Rights are sent with the obsolete c and d added where k/x and e/t are granted (§2.1.1).
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom, type ResponseValue } from '../compiler.ts';
import { withObsoleteRights } from '../grammar/acl-rights.ts';

export const getacl = defineCommand({
  name: 'GETACL',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    c.end();
    return { name };
  },
  async execute(s, { name }) {
    const rows = await s.ctx.db.call<{ identifier: string; rights: string }>('acl_get', s.userId, name);
    const out: ResponseValue[] = [atom('ACL'), s.wireName(name)];
    for (const r of rows) out.push(r.identifier, withObsoleteRights(r.rights));
    await s.untagged(...out);
  },
});
