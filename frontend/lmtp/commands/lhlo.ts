// LHLO (RFC 2033 §4.1): the client names itself; we list our extensions. Starts afresh (RFC 5321
// §4.1.4: like RSET). No enhanced status code in this reply (RFC 2034 §3).
import { defineCommand, ALL_PHASES } from '../command.ts';
import { MAX_HELO_NAME } from '../limits.ts';
import { LmtpError, SYNTAX_ERROR, reply } from '../reply.ts';

// a domain or an address literal; anything else could not go into a Received field safely
const NAME = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?|\[[A-Za-z0-9:.]+\])$/;

export default defineCommand({
  name: 'LHLO',
  phases: ALL_PHASES,
  parse(args: string): string {
    const name = args.trim();
    if (!name || name.length > MAX_HELO_NAME || !NAME.test(name)) {
      throw new LmtpError(SYNTAX_ERROR('Syntax: LHLO <hostname>'));
    }
    return name;
  },
  async execute(session, name) {
    session.heloName = name;
    session.reset();
    return reply(250, null,
      session.ctx.hostname,
      'PIPELINING',          // RFC 2920
      'ENHANCEDSTATUSCODES', // RFC 2034
      '8BITMIME',            // RFC 6152
      'BINARYMIME',          // RFC 3030: bytes are stored as they come
      'CHUNKING',            // RFC 3030
      'SMTPUTF8',            // RFC 6531
      `SIZE ${session.maxMessage}`); // RFC 1870
  },
});
