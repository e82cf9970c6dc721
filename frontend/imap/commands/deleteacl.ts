// DELETEACL (RFC 4314 §3.2): removes an identifier's ACL entry; needs the a right. Removing an
// entry that does not exist succeeds.
import { AUTHENTICATED, defineCommand, no } from '../command.ts';
import { Code } from '../compiler.ts';
import { parseAclTarget } from '../grammar/acl-rights.ts';

export const deleteacl = defineCommand({
  name: 'DELETEACL',
  states: AUTHENTICATED,
  parse(c) {
    const { name, identifier } = parseAclTarget(c);
    c.end();
    return { name, identifier };
  },
  async execute(s, { name, identifier }) {
    if (identifier.startsWith('-')) throw no('Negative rights are not supported', Code.cannot());
    await s.ctx.db.call('acl_delete', s.userId, name, identifier);
  },
});
