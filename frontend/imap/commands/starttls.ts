// STARTTLS (RFC 3501 §6.2.1, RFC 2595): the tagged OK goes out in clear, then the handshake;
// anything the client pipelined after the command is discarded by Connection.startTls, and the
// client must ask for CAPABILITY again.
import { bad, defineCommand, NOT_AUTHENTICATED } from '../command.ts';

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  parse: (c) => c.end(),
  async execute(s) {
    const tls = s.ctx.tls;
    if (!tls) throw bad('TLS is not available');
    if (s.conn.secure) throw bad('TLS is already active');
    return {
      status: 'OK', text: 'Begin TLS negotiation now',
      after: async () => {
        try {
          await s.conn.startTls(tls);
        } catch (e) {
          s.log.info({ err: e }, 'TLS handshake failed');
          s.cleanup();
          s.conn.destroy();
        }
      },
    };
  },
});
