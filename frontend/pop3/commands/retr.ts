// RETR msg (RFC 1939 §5): the whole stored message, byte-exact apart from the dot-stuffing and the
// CRLF line endings POP3 requires (frontend/pop3/dot-stuff.ts), streamed in slices. The message
// becomes \Seen when the session ends with QUIT.
import { defineCommand } from '../command.ts';
import { numbers } from '../args.ts';
import { databaseError, err, ok } from '../reply.ts';
import { messageBody, openMessage, type OpenedMessage } from '../retrieve.ts';

export default defineCommand({
  name: 'RETR',
  states: ['transaction'],
  parse: (args: string) => numbers(args, 1)[0],
  async execute(session, n) {
    const drop = session.maildrop!;
    const i = drop.index(n);
    let m: OpenedMessage | null;
    try {
      m = await openMessage(session, drop.uids[i]);
    } catch (e) {
      session.log.error({ err: e }, 'RETR failed');
      return databaseError(e);
    }
    if (!m) return err(`Message ${n} was removed by another session`);
    drop.retrieved[i] = 1;
    return ok(`${m.size} octets`, messageBody(session, m));
  },
});
