// PASS (RFC 1939 §7): the password for the USER name. The password is everything after "PASS "
// (it may contain spaces) and is never logged.
import { verifyPassword, type AuthenticatedUser } from '../../auth/verify.ts';
import { defineCommand } from '../command.ts';
import { completeLogin } from '../login.ts';
import { databaseError, err } from '../reply.ts';
import { PLAINTEXT_REFUSED } from './user.ts';

export default defineCommand({
  name: 'PASS',
  states: ['authorization'],
  parse: (args: string): string => args,
  async execute(session, password) {
    if (!session.plaintextAllowed) return err(PLAINTEXT_REFUSED);
    const login = session.pendingLogin;
    if (login === null) return err('Send USER first');
    session.pendingLogin = null;
    let user: AuthenticatedUser | null;
    try {
      user = await verifyPassword(session.ctx.db, login, password);
    } catch (e) {
      session.log.error({ err: e, login }, 'password check failed');
      return databaseError(e);
    }
    if (!user) return session.authFailed(login, 'USER');
    return completeLogin(session, user, 'USER');
  },
});
