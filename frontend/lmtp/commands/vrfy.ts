// VRFY (RFC 5321 §3.5.3): we do not say which addresses exist; 252 is the answer for that.
import { defineCommand, ALL_PHASES } from '../command.ts';
import { LmtpError, SYNTAX_ERROR, reply } from '../reply.ts';

export default defineCommand({
  name: 'VRFY',
  phases: ALL_PHASES,
  parse(args: string) {
    if (!args.trim()) throw new LmtpError(SYNTAX_ERROR('Syntax: VRFY <address>'));
    return null;
  },
  async execute() {
    return reply(252, '2.0.0', 'Cannot VRFY user, but will accept message and attempt delivery');
  },
});
