// SETACL (RFC 4314 §3.1): changes an identifier's rights on a mailbox; needs the a right. The
// rights logic is the aox command's (admin.rights_set, through api.acl_set), so both agree.
// Identifiers are logins or "anyone"; negative rights ("-login") are not supported and the owner's
// rights cannot change: both are refused with NO [CANNOT] (the request is well-formed, the server
// just will not do it).
import { sqlState } from '../../db/errors.ts';
import { AUTHENTICATED, defineCommand, no } from '../command.ts';
import { Code } from '../compiler.ts';
import { parseAclTarget, parseModRights } from '../grammar/acl-rights.ts';
import { ParseError } from '../parser.ts';

/** Rights 0–9 are implementation-defined (RFC 4314 §2.1); this server defines none. */
export function refuseDigitRights(rights: string, at: number): void {
  if (/[0-9]/.test(rights)) throw new ParseError('Unknown right', at);
}

export const setacl = defineCommand({
  name: 'SETACL',
  states: AUTHENTICATED,
  parse(c) {
    const { name, identifier } = parseAclTarget(c);
    c.space();
    const at = c.position;
    const rights = parseModRights(c);
    refuseDigitRights(rights.rights, at);
    c.end();
    return { name, identifier, rights };
  },
  async execute(s, { name, identifier, rights }) {
    if (identifier.startsWith('-')) throw no('Negative rights are not supported', Code.cannot());
    const mod = { add: '+', remove: '-', replace: '' }[rights.mode] + rights.rights;
    try {
      await s.ctx.db.call('acl_set', s.userId, name, identifier, mod);
    } catch (e) {
      // the letters were checked while parsing: what the database refuses is the identifier
      if (sqlState(e) === 'AXBAD') throw no('The owner of a mailbox always has every right', Code.cannot());
      throw e;
    }
  },
});
