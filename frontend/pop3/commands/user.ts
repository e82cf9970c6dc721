// USER (RFC 1939 §7): names the login for PASS. Always +OK, so the reply does not tell which
// logins exist; refused on a clear connection where plaintext passwords are not allowed.
import { defineCommand } from '../command.ts';
import { Pop3Error, err, ok } from '../reply.ts';

export const PLAINTEXT_REFUSED = '[AUTH] Plaintext authentication disallowed on non-secure connections, use STLS';

export default defineCommand({
  name: 'USER',
  states: ['authorization'],
  parse(args: string): string {
    const login = args.trim();
    if (!login || login.length > 255) throw new Pop3Error(err('Syntax: USER <name>'));
    return login;
  },
  async execute(session, login) {
    if (!session.plaintextAllowed) return err(PLAINTEXT_REFUSED);
    session.pendingLogin = login;
    return ok('Send your password');
  },
});
