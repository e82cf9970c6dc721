// LOGIN (RFC 3501 §6.2.3): refused with PRIVACYREQUIRED where plaintext passwords are not
// allowed (allow-plaintext-passwords, LOGINDISABLED is advertised then).
import { verifyPassword } from '../../auth/verify.ts';
import { authFailed, authSucceeded } from '../auth-outcome.ts';
import { defineCommand, NOT_AUTHENTICATED, no } from '../command.ts';
import { Code } from '../compiler.ts';

export const login = defineCommand({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  parse(c) {
    c.space();
    const user = c.astringText('User name');
    c.space();
    const password = c.astring().toString('utf8');
    c.end();
    return { user, password };
  },
  async execute(s, { user, password }) {
    if (!s.plaintextAllowed()) throw no('Plaintext login is not allowed here; use STARTTLS first', Code.privacyRequired());
    const u = await verifyPassword(s.ctx.db, user, password);
    if (!u) return authFailed(s, user, 'LOGIN');
    return authSucceeded(s, u, 'LOGIN');
  },
});
