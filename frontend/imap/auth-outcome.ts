// What LOGIN and AUTHENTICATE do after a password check: log in, or count a failure, delay the
// answer (longer with each failure, so guessing is slow) and close after MAX_AUTH_FAILURES.
// Passwords and SASL data are never logged; the login name and the mechanism are.
import type { AuthenticatedUser } from '../auth/verify.ts';
import { MAX_AUTH_FAILURES } from '../net/limits.ts';
import { capabilities } from './capabilities.ts';
import type { CommandResult } from './command.ts';
import { Code } from './compiler.ts';
import { sessionTiming, type Session } from './session.ts';

export function authSucceeded(s: Session, user: AuthenticatedUser, mechanism: string): CommandResult {
  s.loggedIn(user);
  s.log.info({ login: user.login, mechanism }, 'authenticated');
  return { status: 'OK', code: Code.capability(capabilities(s)), text: 'Logged in' };
}

export async function authFailed(s: Session, login: string, mechanism: string): Promise<CommandResult> {
  s.authFailures++;
  s.log.warn({ login: login.slice(0, 100), mechanism, failures: s.authFailures }, 'authentication failed');
  await new Promise((r) => setTimeout(r, sessionTiming.authFailureDelayMs * s.authFailures));
  const result: CommandResult = { status: 'NO', code: Code.authenticationFailed(), text: 'Authentication failed' };
  if (s.authFailures >= MAX_AUTH_FAILURES) {
    result.after = () => s.shutdown('Too many authentication failures');
  }
  return result;
}
