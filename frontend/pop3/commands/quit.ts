// QUIT (RFC 1939 §4, §6). In the TRANSACTION state it enters UPDATE: the DELE marks and the \Seen
// of retrieved messages are applied in one set-based call (api.pop_update); deleted messages go
// to deleted_messages, so aox undelete can bring them back. If that fails nothing was changed,
// and the reply says so (RFC 1939 §6: -ERR when some messages were not removed).
import { multirange } from '../../db/pool.ts';
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { databaseError, ok, type Pop3Reply } from '../reply.ts';

export default defineCommand({
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  parse: noArguments,
  async execute(session) {
    const farewell = (r: Pop3Reply): Pop3Reply => ({ ...r, after: () => session.quit() });
    const drop = session.maildrop;
    if (session.state !== 'transaction' || !drop) return farewell(ok(`${session.ctx.hostname} POP3 server signing off`));
    const deleted = drop.uidRuns(drop.deleted);
    const seen = drop.uidRuns(drop.retrieved, drop.deleted);
    if (deleted.length || seen.length) {
      try {
        await session.ctx.db.call('pop_update', session.user!.id, drop.mailbox,
          deleted.length ? multirange(deleted) : null, seen.length ? multirange(seen) : null);
      } catch (e) {
        session.log.error({ err: e }, 'POP3 UPDATE failed');
        return farewell(databaseError(e));
      }
    }
    const { count } = drop.stat();
    session.log.info({ deleted: drop.count - count }, 'pop3 logout');
    return farewell(ok(`${session.ctx.hostname} POP3 server signing off (${count} messages left)`));
  },
});
