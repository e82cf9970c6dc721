// HELO is SMTP's greeting; an LMTP server must not accept it (RFC 2033 §4.1).
import { defineCommand, ALL_PHASES } from '../command.ts';
import { LmtpError, reply } from '../reply.ts';

export default defineCommand({
  name: 'HELO',
  phases: ALL_PHASES,
  parse: () => null,
  async execute() {
    throw new LmtpError(reply(500, '5.5.1', 'This is an LMTP server: use LHLO'));
  },
});
