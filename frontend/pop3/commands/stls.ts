// STLS (RFC 2595 §4): starts TLS. Anything the client pipelined after the command is discarded by
// Connection.startTls (no command injection across the TLS boundary), and what the session learnt
// in clear (a USER name) is forgotten.
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { err, ok } from '../reply.ts';

export default defineCommand({
  name: 'STLS',
  states: ['authorization'],
  parse: noArguments,
  async execute(session) {
    if (session.conn.secure) return err('TLS is already active');
    const tls = session.ctx.tls;
    if (!tls) return err('TLS is not available');
    return {
      ...ok('Begin TLS negotiation now'),
      after: async () => {
        session.pendingLogin = null;
        try {
          await session.conn.startTls(tls);
        } catch (e) {
          session.log.info({ err: e }, 'TLS negotiation failed');
          session.conn.destroy();
        }
      },
    };
  },
});
