// QUIT (RFC 5321 §4.1.1.10): 221, then close. An unfinished transaction is abandoned.
import { defineCommand, ALL_PHASES } from '../command.ts';
import { reply } from '../reply.ts';

export default defineCommand({
  name: 'QUIT',
  phases: ALL_PHASES,
  parse: () => null,
  async execute(session) {
    session.reset();
    session.closeAfterReply = true;
    return reply(221, '2.0.0', `${session.ctx.hostname} closing connection`);
  },
});
