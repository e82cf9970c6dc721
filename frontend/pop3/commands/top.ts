// TOP msg n (RFC 1939 §7): the header block, the blank line, and the first n lines of the body.
import { defineCommand } from '../command.ts';
import { numbers } from '../args.ts';
import { databaseError, err, ok } from '../reply.ts';
import { TOP_FIRST_SLICE, TopCutter, messageBody, openMessage, type OpenedMessage } from '../retrieve.ts';

export default defineCommand({
  name: 'TOP',
  states: ['transaction'],
  parse: (args: string) => numbers(args, 2),
  async execute(session, [n, lines]) {
    const drop = session.maildrop!;
    const i = drop.index(n);
    let m: OpenedMessage | null;
    try {
      m = await openMessage(session, drop.uids[i], TOP_FIRST_SLICE);
    } catch (e) {
      session.log.error({ err: e }, 'TOP failed');
      return databaseError(e);
    }
    if (!m) return err(`Message ${n} was removed by another session`);
    return ok('Top of message follows', messageBody(session, m, new TopCutter(m.headerSize, lines)));
  },
});
