// The step from AUTHORIZATION to TRANSACTION (RFC 1939 §4) shared by PASS and AUTH: lock the
// maildrop, take the INBOX snapshot, report its size.
import type { AuthenticatedUser } from '../auth/verify.ts';
import { sqlState } from '../db/errors.ts';
import { lockMaildrop } from './locks.ts';
import { Maildrop } from './maildrop.ts';
import { databaseError, err, ok, type Pop3Reply } from './reply.ts';
import type { Pop3Session } from './session.ts';

interface MaildropRow extends Record<string, unknown> {
  mailbox: number;
  uidvalidity: number;
  uids: number[];
  sizes: number[];
}

export async function completeLogin(session: Pop3Session, user: AuthenticatedUser, mechanism: string): Promise<Pop3Reply> {
  const unlock = lockMaildrop(session.ctx, user.id);
  if (!unlock) {
    session.log.info({ login: user.login }, 'pop3 maildrop in use');
    return err('[IN-USE] Maildrop is in use by another POP3 session');
  }
  let row: MaildropRow | undefined;
  try {
    [row] = await session.ctx.db.call<MaildropRow>('pop_maildrop', user.id);
  } catch (e) {
    unlock();
    session.log.error({ err: e, login: user.login }, 'pop3 maildrop could not be opened');
    return sqlState(e) === 'AXNEX' ? err('[SYS/PERM] There is no INBOX to serve') : databaseError(e);
  }
  session.user = user;
  session.unlock = unlock;
  session.maildrop = new Maildrop(row.mailbox, row.uidvalidity, Int32Array.from(row.uids), Int32Array.from(row.sizes));
  session.state = 'transaction';
  session.pendingLogin = null;
  const { count, size } = session.maildrop.stat();
  session.log.info({ login: user.login, user: user.id, mechanism, messages: count }, 'pop3 login');
  return ok(`Logged in, ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
}
