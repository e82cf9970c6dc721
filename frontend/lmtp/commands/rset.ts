// RSET (RFC 5321 §4.1.1.5): abandons the mail transaction; allowed at any time.
import { defineCommand, ALL_PHASES } from '../command.ts';
import { reply } from '../reply.ts';

export default defineCommand({
  name: 'RSET',
  phases: ALL_PHASES,
  parse: () => null,
  async execute(session) {
    session.reset();
    return reply(250, '2.0.0', 'OK');
  },
});
