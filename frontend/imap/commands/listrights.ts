// LISTRIGHTS (RFC 4314 §3.4): the rights always granted to an identifier, then each right that
// may be granted; needs the a right. The owner always has every right and nothing can change.
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom, type ResponseValue } from '../compiler.ts';
import { parseAclTarget } from '../grammar/acl-rights.ts';

export const listrights = defineCommand({
  name: 'LISTRIGHTS',
  states: AUTHENTICATED,
  parse(c) {
    const { name, identifier } = parseAclTarget(c);
    c.end();
    return { name, identifier };
  },
  async execute(s, { name, identifier }) {
    const [row] = await s.ctx.db.call<{ identifier: string; required: string; optional: string[] }>(
      'acl_list_rights', s.userId, name, identifier);
    const out: ResponseValue[] = [atom('LISTRIGHTS'), s.wireName(name), identifier, row.required];
    for (const r of row.optional) out.push(r);
    await s.untagged(...out);
  },
});
